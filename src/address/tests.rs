//! Unit tests for the X.411 §18 O/R address codec and text forms.
