use crate::ServerConfig;
use keiro_app::App;
use std::sync::Arc;

/// Shared by every handler: the use cases and the server's own configuration.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub config: Arc<ServerConfig>,
}

impl AppState {
    pub fn new(app: App, config: ServerConfig) -> Self {
        AppState {
            app,
            config: Arc::new(config),
        }
    }
}
