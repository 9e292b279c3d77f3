from . import account_move
from . import account_payment
from . import mail_template
from . import res_partner
from . import sale_order
