from . import magic_link
from . import portal
