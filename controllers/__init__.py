from . import magic_link
