import triton


def launch(x, grid):
    _kernel[grid](
        x,  # input
        num_warps=4)
