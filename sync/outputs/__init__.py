"""Documents made from the records: CSV and XLSX exports, the PDF report."""
