//! A municipality's branding on citizen pages: its logo (here) and its accent colour
//! (`domain::color`, checked for contrast). Citizens must recognise their town hall at a glance,
//! on a phone, without the page getting heavier or less safe for it.

pub mod logo;
