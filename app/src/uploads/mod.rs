//! Files citizens attach to a request: what is accepted, how it is checked, where it is kept and
//! who may read it.
//!
//! - **Accepted**: PDF, JPEG and PNG, recognised by their first bytes (never by the name or the
//!   type the browser claims), up to the field's size limit.
//! - **Checked**: when `ICLEFS_VIRUS_SCAN_COMMAND` is set, each file is piped to that command
//!   (for example `clamdscan --no-summary -`): exit 0 accepts, 1 refuses as infected, anything
//!   else — or no answer within a minute — refuses for now ("try again"). Without a command the
//!   file is kept as `not_scanned`, and agents see it said beside the download.
//! - **Kept** in the database (`uploads`), so files share the answers' backups, transactions and
//!   retention. A file in a draft belongs to its town, service and citizen (`sub`); sending the
//!   request binds it to the submission; draft files never sent are purged with the drafts.
//! - **Read** only by agents of the town, from the submission's page, as an attachment with
//!   `nosniff` and a sandboxing CSP; the name is cleaned of paths and control characters.

use crate::db::entities::upload;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};
use std::time::Duration;
use uuid::Uuid;

/// A file part of a posted form: the input's name, the file's name and its bytes.
pub struct PostedFile {
    pub input: String,
    pub filename: String,
    pub bytes: Vec<u8>,
}

impl PostedFile {
    /// The bytes posted for `input` (empty when that input sent no file).
    pub fn bytes_of(files: Vec<Self>, input: &str) -> Vec<u8> {
        files
            .into_iter()
            .find(|f| f.input == input)
            .map(|f| f.bytes)
            .unwrap_or_default()
    }
}

/// Longest file name kept.
const MAX_NAME_CHARS: usize = 100;
/// How long the antivirus hook may take.
const SCAN_TIMEOUT: Duration = Duration::from_secs(60);

/// The type of a file, from its first bytes.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else {
        None
    }
}

/// The file's own name, without any path, control character or quote, bounded; never empty.
pub fn clean_name(raw: &str, content_type: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | '*' | '?' | '|' | ':'))
        .collect::<String>()
        .trim()
        .trim_start_matches('.')
        .chars()
        .take(MAX_NAME_CHARS)
        .collect();
    if cleaned.is_empty() {
        let extension = match content_type {
            "application/pdf" => "pdf",
            "image/jpeg" => "jpg",
            _ => "png",
        };
        format!("piece-jointe.{extension}")
    } else {
        cleaned
    }
}

/// What the antivirus hook said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scan {
    Clean,
    /// No hook configured.
    NotScanned,
    Infected,
    /// The hook failed or did not answer: refused for now.
    Unavailable,
}

impl Scan {
    fn status(self) -> &'static str {
        match self {
            Self::Clean => "clean",
            _ => "not_scanned",
        }
    }
}

/// Runs the configured antivirus command on `bytes` (on its standard input).
pub async fn scan(command: Option<&str>, bytes: &[u8]) -> Scan {
    let Some(command) = command.filter(|c| !c.trim().is_empty()) else {
        return Scan::NotScanned;
    };
    let child = tokio::process::Command::new("sh")
        .args(["-c", command])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn();
    let Ok(mut child) = child else {
        tracing::error!("the antivirus command could not be started");
        return Scan::Unavailable;
    };
    let run = async {
        if let Some(mut stdin) = child.stdin.take() {
            use tokio::io::AsyncWriteExt;
            // A scanner may stop reading once it has decided: a broken pipe is not an error.
            let _ = stdin.write_all(bytes).await;
        }
        child.wait().await
    };
    match tokio::time::timeout(SCAN_TIMEOUT, run).await {
        Ok(Ok(status)) => match status.code() {
            Some(0) => Scan::Clean,
            Some(1) => Scan::Infected,
            code => {
                tracing::error!(?code, "the antivirus command failed");
                Scan::Unavailable
            }
        },
        _ => {
            tracing::error!("the antivirus command did not answer");
            Scan::Unavailable
        }
    }
}

/// Where a file belongs while it is in a draft.
pub struct Owner<'a> {
    pub municipality_id: Uuid,
    pub procedure_id: Uuid,
    pub identity_sub: &'a str,
    pub field_stable_id: Uuid,
}

/// Stores a checked file and returns the answer that names it (`{id, name, size, type}`).
pub async fn store<C: ConnectionTrait>(
    db: &C,
    owner: &Owner<'_>,
    name: &str,
    content_type: &str,
    bytes: Vec<u8>,
    scan: Scan,
) -> AppResult<serde_json::Value> {
    let id = Uuid::now_v7();
    let size = bytes.len();
    let name = clean_name(name, content_type);
    upload::ActiveModel {
        id: Set(id),
        municipality_id: Set(owner.municipality_id),
        procedure_id: Set(owner.procedure_id),
        identity_sub: Set(owner.identity_sub.to_owned()),
        field_stable_id: Set(owner.field_stable_id),
        submission_id: Set(None),
        filename: Set(name.clone()),
        content_type: Set(content_type.to_owned()),
        size: Set(i64::try_from(size).map_err(|_| AppError::Internal)?),
        sha256: Set(hex::encode(Sha256::digest(&bytes))),
        scan_status: Set(scan.status().to_owned()),
        bytes: Set(bytes),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(serde_json::json!({ "id": id, "name": name, "size": size, "type": content_type }))
}

/// The ids of the files named by these answers.
pub fn referenced(values: &crate::domain::FieldValues) -> Vec<Uuid> {
    values
        .values()
        .filter_map(|v| {
            v.get("id")?
                .as_str()
                .and_then(|id| Uuid::parse_str(id).ok())
        })
        .collect()
}

/// Binds the sent request's files to it (in the submission's transaction). Only files of this
/// town, service and citizen that are still in a draft can be bound.
pub async fn attach<C: ConnectionTrait>(
    txn: &C,
    owner_municipality: Uuid,
    procedure_id: Uuid,
    identity_sub: &str,
    submission_id: Uuid,
    ids: Vec<Uuid>,
) -> AppResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let expected = ids.len() as u64;
    let bound = upload::Entity::update_many()
        .col_expr(
            upload::Column::SubmissionId,
            sea_orm::sea_query::Expr::value(Some(submission_id)),
        )
        .filter(upload::Column::Id.is_in(ids))
        .filter(upload::Column::MunicipalityId.eq(owner_municipality))
        .filter(upload::Column::ProcedureId.eq(procedure_id))
        .filter(upload::Column::IdentitySub.eq(identity_sub))
        .filter(upload::Column::SubmissionId.is_null())
        .exec(txn)
        .await?;
    if bound.rows_affected != expected {
        // A reference that is not this citizen's draft file: the request is not sent.
        return Err(AppError::Conflict(
            "Une pièce jointe n'est plus disponible : joignez-la à nouveau.".to_owned(),
        ));
    }
    Ok(())
}

/// A file of a submission of the agent's town, for download.
pub async fn for_agent<C: ConnectionTrait>(
    db: &C,
    municipality_id: Uuid,
    submission_id: Uuid,
    upload_id: Uuid,
) -> AppResult<upload::Model> {
    upload::Entity::find_by_id(upload_id)
        .filter(upload::Column::MunicipalityId.eq(municipality_id))
        .filter(upload::Column::SubmissionId.eq(submission_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Removes draft files older than `before` (their draft has expired or was replaced).
pub async fn purge_drafts<C: ConnectionTrait>(db: &C, before: DateTime<Utc>) -> AppResult<u64> {
    let deleted = upload::Entity::delete_many()
        .filter(upload::Column::SubmissionId.is_null())
        .filter(upload::Column::CreatedAt.lt(before))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

/// Removes the files of erased submissions (retention).
pub async fn delete_for<C: ConnectionTrait>(db: &C, submission_ids: Vec<Uuid>) -> AppResult<()> {
    upload::Entity::delete_many()
        .filter(upload::Column::SubmissionId.is_in(submission_ids))
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes_and_names_are_cleaned() {
        assert_eq!(sniff(b"%PDF-1.7 ..."), Some("application/pdf"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff(b"<html><script>"), None);
        assert_eq!(sniff(b"MZ\x90\x00"), None);
        assert_eq!(
            clean_name("C:\\Users\\x\\..\\facture \"mai\".pdf", "application/pdf"),
            "facture mai.pdf"
        );
        assert_eq!(clean_name("../../etc/passwd", "application/pdf"), "passwd");
        assert_eq!(clean_name("\u{0}\u{7}", "image/png"), "piece-jointe.png");
        assert_eq!(clean_name(".htaccess", "image/png"), "htaccess");
    }

    #[tokio::test]
    async fn the_antivirus_hook_decides_by_its_exit_status() {
        assert_eq!(scan(None, b"x").await, Scan::NotScanned);
        assert_eq!(scan(Some("cat >/dev/null"), b"x").await, Scan::Clean);
        assert_eq!(
            scan(
                Some("if grep -q EICAR; then exit 1; fi"),
                b"X5O EICAR-STANDARD"
            )
            .await,
            Scan::Infected
        );
        assert_eq!(scan(Some("exit 2"), b"x").await, Scan::Unavailable);
    }
}
