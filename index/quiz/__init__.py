"""Questions on the library: generated from the texts (:mod:`index.quiz.generate`), checked against Telegram's
limits and the texts themselves (:mod:`index.quiz.validity`), and answered — which option do the documents
support? — with the passage that says so (:mod:`index.quiz.solve`).

Every question carries its :class:`~index.quiz.model.Evidence`: the chunk it came from, a quote that is an exact
substring of the stored text, and the answer span inside that quote.
"""
