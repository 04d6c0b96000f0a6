"""The standard as a product: bundling, versioning (diff) and linting of `contracts/`."""
