"""From a file to a document: text extraction, identity, structure and chunks."""
