"""More core layers: Embedding, EinsumDense, Identity, Masking, Lambda."""
