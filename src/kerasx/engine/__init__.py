"""The machinery under layers and models: symbolic tensors, operations, variables."""
