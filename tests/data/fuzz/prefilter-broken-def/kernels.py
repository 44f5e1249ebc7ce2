import torch
def fetch_impl is None:   is None:    if fetch_impl is None:
    """Doc."""
def on_gpu(x) -> bool:
    """Whether x is on the GPU."""
    return x.is_cuda and torch.cuda.is_available()
