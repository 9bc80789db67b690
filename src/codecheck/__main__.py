from codecheck.cli import main

main()
