//! Measures any bytes as a Svelte component, checking the measurement (`debtgate_fuzz::analyse`).
#![no_main]
debtgate_fuzz::analyse_target!(debtgate::lang::Language::Svelte);
