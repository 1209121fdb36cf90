//! Measures any bytes as Scala, checking the measurement (`debtgate_fuzz::analyse`).
#![no_main]
debtgate_fuzz::analyse_target!(debtgate::lang::Language::Scala);
