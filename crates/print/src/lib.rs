//! Print-ready PDF documents: templates, fonts, QR codes, overlay printing and batches.
//! Nothing is printed yet; the desktop and the server do not depend on this crate so far.
