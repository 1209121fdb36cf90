//! Measures any bytes as C#, checking the measurement (`debtgate_fuzz::analyse`).
#![no_main]
debtgate_fuzz::analyse_target!(debtgate::lang::Language::CSharp);
