import sys

from kubelint.cli.main import main

sys.exit(main())
