"""How news coverage treats each actor: term frequency, framing and sentiment.

Data flows one way: corpus → annotate → measure → plot → notebooks → batch.
The flat API below is what notebooks use; each name lives in the module of its concern.
"""

__version__ = "0.1.0"
