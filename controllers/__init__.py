from . import magic_link
from . import statement
from . import invoice_pdf
from . import payment
from . import support
