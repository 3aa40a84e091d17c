"""Running cases: compiled to experta, fired in a total order, every firing recorded."""
