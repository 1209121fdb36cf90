//! Measures any bytes as a Vue component, checking the measurement (`debtgate_fuzz::analyse`):
//! the `<script>` scanner and the parse over its ranges.
#![no_main]
debtgate_fuzz::analyse_target!(debtgate::lang::Language::Vue);
