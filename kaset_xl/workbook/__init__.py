"""The district workbook: layout spec, template builder, reader."""
