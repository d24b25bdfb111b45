//! The domain's code sets as API fields, so each set is spelled once (in keiro-domain).
//! A field of a [`Code`] type is read and written as its code with
//! `#[serde(with = "crate::codes::one")]`, and documented with
//! `#[schema(value_type = Name)]`, where `Name` is declared by [`code_schema!`]: a named string
//! schema whose values are the domain's [`Code::ALL`].

pub use keiro_domain::code::Code;

/// Serde for one field of a [`Code`] type: its code.
pub mod one {
    use super::Code;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<T: Code, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(v.code())
    }

    pub fn deserialize<'de, T: Code, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
        let s = String::deserialize(d)?;
        T::from_code(&s).ok_or_else(|| {
            let expected: Vec<String> = T::ALL.iter().map(|v| format!("`{}`", v.code())).collect();
            serde::de::Error::custom(format!(
                "unknown variant `{s}`, expected one of {}",
                expected.join(", ")
            ))
        })
    }
}

/// Serde for a list of one [`Code`] type: its codes, each known.
pub mod many {
    use super::Code;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<T: Code, S: Serializer>(v: &[T], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|c| c.code()))
    }

    pub fn deserialize<'de, T: Code, D: Deserializer<'de>>(d: D) -> Result<Vec<T>, D::Error> {
        let codes = Vec::<String>::deserialize(d)?;
        codes
            .iter()
            .map(|s| {
                T::from_code(s).ok_or_else(|| {
                    let expected: Vec<String> =
                        T::ALL.iter().map(|v| format!("`{}`", v.code())).collect();
                    serde::de::Error::custom(format!(
                        "unknown variant `{s}`, expected one of {}",
                        expected.join(", ")
                    ))
                })
            })
            .collect()
    }
}

/// Declares `$name`, the OpenAPI schema of the code set `$t`: a string, one of `$t`'s codes,
/// with an optional description.
#[macro_export]
macro_rules! code_schema {
    ($name:ident, $t:ty) => {
        $crate::code_schema!($name, $t, None::<String>);
    };
    ($name:ident, $t:ty, $description:expr) => {
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                use $crate::codes::Code;
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some(<$t as Code>::ALL.iter().map(|v| v.code())))
                    .description($description)
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }
    };
}
