"""The `predict` command: people's own digit images, made MNIST-like, classified by onnxruntime.

It depends only on the exported .onnx file (with onnxruntime, Pillow and NumPy), never on model/.
"""
