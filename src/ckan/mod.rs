//! Talking to a CKAN portal: the wire types of the actions we use ([`api`]) and one client that
//! sends them with authentication, timeouts and a bounded retry policy ([`client`]).

pub mod api;
pub mod client;

pub use api::{CkanError, ErrorKind};
pub use client::{ActionBody, CkanClient, Secret};
