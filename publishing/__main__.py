"""python -m publishing run <release_id>: train and check one candidate (see worker.py)."""
import sys

from publishing.worker import main

sys.exit(main())
