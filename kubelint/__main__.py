from kubelint.cli.main import entry

entry()
