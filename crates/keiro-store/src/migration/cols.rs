//! Column, key and index helpers shared by the migrations (one definition of "an id",
//! "a timestamp").

use sea_orm_migration::prelude::*;

pub(super) fn id(name: &'static str) -> ColumnDef {
    ColumnDef::new(name)
        .string_len(36)
        .not_null()
        .primary_key()
        .to_owned()
}
pub(super) fn text(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).string().not_null().to_owned()
}
pub(super) fn text_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).string().null().to_owned()
}
pub(super) fn ref_id(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).string_len(36).not_null().to_owned()
}
pub(super) fn ref_id_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).string_len(36).null().to_owned()
}
pub(super) fn ts(name: &'static str) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}
pub(super) fn ts_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}
/// A 64-bit integer (amounts in minor units, counts, Unix milliseconds).
pub(super) fn big(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).big_integer().not_null().to_owned()
}
pub(super) fn boolean(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).boolean().not_null().to_owned()
}
pub(super) fn fk(
    from_table: &'static str,
    col: &'static str,
    to: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from_table}_{col}"))
        .from(from_table, col)
        .to(to, "id")
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}
pub(super) fn index(
    name: &'static str,
    table: &'static str,
    cols: &[&'static str],
) -> IndexCreateStatement {
    let mut i = Index::create().name(name).table(table).to_owned();
    for c in cols {
        i.col(*c);
    }
    i
}
