from . import magic_link
from . import statement
from . import payment
from . import support
