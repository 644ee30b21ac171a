//! Small constructors that keep schema definitions readable: one line per attribute.

use std::collections::HashMap;

use tf_provider::schema::{
    Attribute, AttributeConstraint, AttributeType, Block, Description, NestedBlock,
};

pub use AttributeConstraint::{Computed, Optional, OptionalComputed, Required};

/// An attribute with a markdown description.
pub fn attr(ty: AttributeType, constraint: AttributeConstraint, description: &str) -> Attribute {
    Attribute {
        attr_type: ty,
        description: Description::markdown(description),
        constraint,
        sensitive: false,
        deprecated: false,
    }
}

pub fn string() -> AttributeType {
    AttributeType::String
}

pub fn string_map() -> AttributeType {
    AttributeType::Map(Box::new(AttributeType::String))
}

pub fn number_map() -> AttributeType {
    AttributeType::Map(Box::new(AttributeType::Number))
}

pub fn string_set() -> AttributeType {
    AttributeType::Set(Box::new(AttributeType::String))
}

pub fn string_list() -> AttributeType {
    AttributeType::List(Box::new(AttributeType::String))
}

/// A block from (name, attribute) and (name, nested block) pairs.
pub fn block<const A: usize, const B: usize>(
    description: &str,
    attributes: [(&str, Attribute); A],
    blocks: [(&str, NestedBlock); B],
) -> Block {
    Block {
        version: 0,
        attributes: to_map(attributes),
        blocks: to_map(blocks),
        description: Description::markdown(description),
        deprecated: false,
    }
}

fn to_map<T, const N: usize>(items: [(&str, T); N]) -> HashMap<String, T> {
    items.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

pub fn bool() -> AttributeType {
    AttributeType::Bool
}

pub fn number() -> AttributeType {
    AttributeType::Number
}

/// A single nested object whose fields are attributes with descriptions of their own
/// (protocol 6 nested attributes), from (name, attribute) pairs.
pub fn object<const N: usize>(fields: [(&str, Attribute); N]) -> AttributeType {
    AttributeType::AttributeSingle(to_map(fields))
}
