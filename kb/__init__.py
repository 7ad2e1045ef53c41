"""Domain layer of the police knowledge base: documents, sections, corpus store, importer."""
