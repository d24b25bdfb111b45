//! Mail transports for the outbox worker: SMTP through lettre when configured, otherwise `.eml`
//! files in the data folder (the embedded default, readable by the operator in the portal).

use crate::config::SmtpConfig;
use async_trait::async_trait;
use keiro_app::mail::{MailTransport, OutgoingEmail};
use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;

fn build(m: &OutgoingEmail) -> Result<Message, String> {
    let from: Mailbox = m
        .from
        .parse()
        .map_err(|e| format!("bad From address {:?}: {e}", m.from))?;
    let to: Mailbox =
        m.to.parse()
            .map_err(|e| format!("bad recipient {:?}: {e}", m.to))?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(m.subject.clone())
        .message_id(Some(format!("<{}@keiro>", m.id)))
        .header(ContentType::TEXT_PLAIN)
        .body(m.body_text.clone())
        .map_err(|e| format!("cannot build message: {e}"))
}

pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    desc: String,
}

impl SmtpMailer {
    pub fn new(c: &SmtpConfig) -> Result<Self, String> {
        let mut b = match c.security.as_str() {
            "none" => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&c.host),
            "starttls" => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&c.host)
                .map_err(|e| e.to_string())?,
            "tls" => {
                AsyncSmtpTransport::<Tokio1Executor>::relay(&c.host).map_err(|e| e.to_string())?
            }
            other => {
                return Err(format!(
                    "smtp.security is none, starttls or tls, not {other:?}"
                ));
            }
        }
        .port(c.port)
        .timeout(Some(std::time::Duration::from_secs(20)));
        if let (Some(u), Some(p)) = (&c.username, &c.password) {
            b = b.credentials(Credentials::new(u.clone(), p.clone()));
        }
        Ok(SmtpMailer {
            transport: b.build(),
            desc: format!("smtp://{}:{} ({})", c.host, c.port, c.security),
        })
    }
}

#[async_trait]
impl MailTransport for SmtpMailer {
    async fn send(&self, m: &OutgoingEmail) -> Result<(), String> {
        let msg = build(m)?;
        self.transport
            .send(msg)
            .await
            .map(|_| ())
            .map_err(|e| format!("SMTP: {e}"))
    }
    fn describe(&self) -> String {
        self.desc.clone()
    }
}

/// Writes each message as `<id>.eml` (written to a temporary name, then renamed, so a reader
/// never sees half a file).
pub struct FileMailer {
    dir: PathBuf,
}

impl FileMailer {
    pub fn new(dir: PathBuf) -> std::io::Result<Self> {
        std::fs::create_dir_all(&dir)?;
        Ok(FileMailer { dir })
    }
}

#[async_trait]
impl MailTransport for FileMailer {
    async fn send(&self, m: &OutgoingEmail) -> Result<(), String> {
        let bytes = build(m)?.formatted();
        let tmp = self.dir.join(format!(".{}.eml.tmp", m.id));
        let dst = self.dir.join(format!("{}.eml", m.id));
        tokio::fs::write(&tmp, bytes)
            .await
            .map_err(|e| format!("writing {}: {e}", tmp.display()))?;
        tokio::fs::rename(&tmp, &dst)
            .await
            .map_err(|e| format!("renaming to {}: {e}", dst.display()))
    }
    fn describe(&self) -> String {
        format!("files in {}", self.dir.display())
    }
}

/// The transport the configuration asks for.
pub fn from_config(cfg: &crate::ServerConfig) -> Result<std::sync::Arc<dyn MailTransport>, String> {
    Ok(match &cfg.smtp {
        Some(s) => std::sync::Arc::new(SmtpMailer::new(s)?),
        None => std::sync::Arc::new(FileMailer::new(cfg.outbox_dir()).map_err(|e| e.to_string())?),
    })
}
