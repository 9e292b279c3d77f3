from . import magic_link
from . import portal
from . import statement_pdf
from . import payment
from . import support
