"""Everything Whoosh and Sudachi: analyzer, schema, index generations, search, eval."""
