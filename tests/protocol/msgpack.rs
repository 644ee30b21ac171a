//! Builds the MessagePack values Terraform sends in `DynamicValue.msgpack`.
//!
//! Hand-encoded rather than serialised with serde, so the bytes are exactly cty's: unknown is
//! the extension `d4 00 00`, integers use the smallest encoding, and objects are maps with
//! sorted keys.

use std::collections::BTreeMap;

use crate::plugin_client::tfplugin6::schema::{nested_block::NestingMode, Block};

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    /// Not known until apply, as in a plan that references another resource's output.
    Unknown,
    Bool(bool),
    Int(i64),
    String(String),
    List(Vec<Value>),
    Object(BTreeMap<String, Value>),
}

impl Value {
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Value::Null => out.push(0xc0),
            // cty: extension type 0 with a single zero byte (fixext1).
            Value::Unknown => out.extend_from_slice(&[0xd4, 0x00, 0x00]),
            Value::Bool(b) => out.push(if *b { 0xc3 } else { 0xc2 }),
            Value::Int(n) => write_int(out, *n),
            Value::String(s) => {
                write_len(out, s.len(), 0xa0, 32, [0xd9, 0xda, 0xdb]);
                out.extend_from_slice(s.as_bytes());
            }
            Value::List(items) => {
                write_len(out, items.len(), 0x90, 16, [0, 0xdc, 0xdd]);
                items.iter().for_each(|item| item.write(out));
            }
            Value::Object(attrs) => {
                write_len(out, attrs.len(), 0x80, 16, [0, 0xde, 0xdf]);
                for (name, value) in attrs {
                    Value::String(name.clone()).write(out);
                    value.write(out);
                }
            }
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}

/// Length header: the `fix` form below `fix_limit`, else the 8-bit (when `wide[0]` is not 0),
/// 16-bit or 32-bit form.
fn write_len(out: &mut Vec<u8>, len: usize, fix: u8, fix_limit: usize, wide: [u8; 3]) {
    if len < fix_limit {
        out.push(fix | len as u8);
    } else if wide[0] != 0 && len <= u8::MAX as usize {
        out.extend_from_slice(&[wide[0], len as u8]);
    } else if len <= u16::MAX as usize {
        out.push(wide[1]);
        out.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        out.push(wide[2]);
        out.extend_from_slice(&(len as u32).to_be_bytes());
    }
}

/// Integers as Go's msgpack encoder writes them: fixints, else the narrowest sized form.
fn write_int(out: &mut Vec<u8>, n: i64) {
    match n {
        -32..=127 => out.push(n as u8),
        128..=0xff => out.extend_from_slice(&[0xcc, n as u8]),
        0x100..=0xffff => {
            out.push(0xcd);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(0xce);
            out.extend_from_slice(&(n as u32).to_be_bytes());
        }
        0x1_0000_0000.. => {
            out.push(0xcf);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
        -128..=-33 => out.extend_from_slice(&[0xd0, n as u8]),
        -32768..=-129 => {
            out.push(0xd1);
            out.extend_from_slice(&(n as i16).to_be_bytes());
        }
        -2_147_483_648..=-32769 => {
            out.push(0xd2);
            out.extend_from_slice(&(n as i32).to_be_bytes());
        }
        _ => {
            out.push(0xd3);
            out.extend_from_slice(&n.to_be_bytes());
        }
    }
}

/// The value Terraform sends for a block written with nothing in it: every attribute null,
/// absent list and set blocks empty, absent single blocks null, group blocks recursed into.
pub fn empty_config(block: &Block) -> BTreeMap<String, Value> {
    let mut config: BTreeMap<String, Value> = block
        .attributes
        .iter()
        .map(|attr| (attr.name.clone(), Value::Null))
        .collect();
    for nested in &block.block_types {
        let value = match NestingMode::try_from(nested.nesting) {
            Ok(NestingMode::List | NestingMode::Set) => Value::List(Vec::new()),
            Ok(NestingMode::Map) => Value::Object(BTreeMap::new()),
            Ok(NestingMode::Group) => {
                Value::Object(nested.block.as_ref().map(empty_config).unwrap_or_default())
            }
            Ok(NestingMode::Single | NestingMode::Invalid) | Err(_) => Value::Null,
        };
        config.insert(nested.type_name.clone(), value);
    }
    config
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_cty() {
        assert_eq!(Value::Unknown.encode(), [0xd4, 0, 0]);
        assert_eq!(Value::Int(-1).encode(), [0xff]);
        assert_eq!(Value::Int(300).encode(), [0xcd, 0x01, 0x2c]);
        assert_eq!(Value::Int(-200).encode(), [0xd1, 0xff, 0x38]);
        assert_eq!(Value::from("ab").encode(), [0xa2, b'a', b'b']);
        let object = Value::Object(BTreeMap::from([
            ("b".to_string(), Value::Null),
            ("a".to_string(), Value::List(vec![Value::Bool(true)])),
        ]));
        assert_eq!(
            object.encode(),
            [0x82, 0xa1, b'a', 0x91, 0xc3, 0xa1, b'b', 0xc0]
        );
    }
}
