"""kubelint: offline, fast validation and linting of Kubernetes manifests."""

__version__ = "0.1.0"
