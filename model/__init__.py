"""The network: sigmoid layers trained by mini-batch SGD with backpropagation, in NumPy."""
