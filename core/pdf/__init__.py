"""PDF documents: the score sheets and annex forms drawn with reportlab, their fonts, batches, pages for printing,
signatures and trusted signers."""
