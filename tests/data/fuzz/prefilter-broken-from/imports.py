from  #
r
from vllm.s import(l)
from apex.d
from s import g
