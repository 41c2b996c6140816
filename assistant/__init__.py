"""ESS Assistant: cited answers on the économie sociale et solidaire for local government."""

__version__ = "0.1.0"
