//! Measures any bytes as Swift, checking the measurement (`debtgate_fuzz::analyse`).
#![no_main]
debtgate_fuzz::analyse_target!(debtgate::lang::Language::Swift);
