from dyad.serve.cli import main

main()
