import xformers.s
\u