//! Launches the provider binary the way Terraform's go-plugin client does, and connects to it.
//!
//! The handshake, as go-plugin runs it with AutoMTLS (Terraform's default):
//! 1. The client generates a throwaway certificate and starts the plugin with the magic cookie,
//!    the protocol versions it speaks, a port range and that certificate, PEM-encoded, in
//!    `PLUGIN_CLIENT_CERT`.
//! 2. The plugin prints one line on stdout:
//!    `CORE-VERSION|APP-VERSION|NETWORK|ADDRESS|PROTOCOL|SERVER-CERT`, where SERVER-CERT is its
//!    own self-signed certificate, DER in unpadded base64.
//! 3. The client dials ADDRESS over TLS, trusting only that certificate, and offers its own.
//!
//! The client certificate copies go-plugin's (P-521 ECDSA, self-signed, marked as a CA), because
//! that shape decides how a rustls plugin treats it. When the plugin's rustls crypto provider
//! cannot verify P-521 (ring), its certificate request lists no P-521 scheme and Go sends no
//! certificate, so only the server is authenticated. When it can (aws-lc-rs), Go sends the
//! certificate, webpki rejects it as a CA used as an end entity, and Terraform cannot talk to the
//! plugin. The client below decides whether to send it by Go's rule, so it fails where Terraform
//! would.

// Shared by the test crates that include this file; each uses only part of it.
#![allow(dead_code)]

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::{ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use anyhow::{anyhow, bail, ensure, Context as _};
use base64::Engine as _;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, BufReader};
use tokio::process::{Child, Command};
use tokio_rustls::rustls;
use tonic::codegen::Service;
use tonic::transport::{Channel, Endpoint, Uri};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::ResolvesClientCert;
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::sign::CertifiedKey;
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};

pub mod tfplugin6 {
    tonic::include_proto!("tfplugin6");
}
pub mod plugin {
    tonic::include_proto!("plugin");
}

use plugin::grpc_controller_client::GrpcControllerClient;
use tfplugin6::provider_client::ProviderClient;

/// Terraform's handshake cookie; a plugin started without it should refuse to serve.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/// go-plugin's default port range.
pub const MIN_PORT: u16 = 10000;
pub const MAX_PORT: u16 = 25000;
/// A debug build on a busy CI machine can be slow to start; Terraform itself waits a minute.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(30);
/// go-plugin gives a plugin 2 s after Shutdown before killing it; be lenient on loaded machines.
const EXIT_TIMEOUT: Duration = Duration::from_secs(10);

/// A running provider process and gRPC clients connected to it over TLS, offering go-plugin's
/// client certificate (see the module docs for when it is actually sent).
///
/// Dropping it kills the process, so a failing test leaves no plugin behind.
pub struct PluginClient {
    pub provider: ProviderClient<Channel>,
    pub handshake: Handshake,
    /// The plugin asked for our certificate and could verify it, so we sent it.
    pub client_cert_sent: bool,
    controller: GrpcControllerClient<Channel>,
    child: Child,
    stderr: Arc<Mutex<String>>,
}

/// How the plugin stopped.
#[derive(Debug)]
pub struct Exit {
    /// The plugin accepted GRPCController.Shutdown (otherwise it was killed).
    pub graceful: bool,
    pub status: ExitStatus,
}

impl PluginClient {
    /// Launches this package's provider binary.
    pub async fn launch() -> anyhow::Result<Self> {
        Self::launch_binary(env!("CARGO_BIN_EXE_terraform-provider-flywheel")).await
    }

    pub async fn launch_binary(path: impl AsRef<Path>) -> anyhow::Result<Self> {
        let identity = ClientIdentity::generate()?;
        let mut child = Command::new(path.as_ref())
            .env(MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE)
            .env("PLUGIN_PROTOCOL_VERSIONS", "6")
            .env("PLUGIN_MIN_PORT", MIN_PORT.to_string())
            .env("PLUGIN_MAX_PORT", MAX_PORT.to_string())
            .env("PLUGIN_CLIENT_CERT", &identity.pem)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", path.as_ref().display()))?;

        // go-plugin reads the plugin's stderr as its log; keep it for failure messages, and keep
        // the pipe drained so the plugin never blocks writing to it.
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().expect("stderr is piped");
        let sink = stderr.clone();
        tokio::spawn(async move {
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = pipe.read(&mut buf).await {
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });

        let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped")).lines();
        let line = match tokio::time::timeout(HANDSHAKE_TIMEOUT, stdout.next_line()).await {
            Ok(Ok(Some(line))) => line,
            Ok(Ok(None)) => {
                let status = match tokio::time::timeout(Duration::from_secs(2), child.wait()).await
                {
                    Ok(Ok(status)) => status.to_string(),
                    _ => "still running".to_string(),
                };
                bail!(
                    "plugin closed stdout before the handshake ({status})\n{}",
                    stderr_tail(&stderr)
                )
            }
            Ok(Err(err)) => bail!("reading the handshake line: {err}"),
            Err(_) => bail!(
                "no handshake line within {HANDSHAKE_TIMEOUT:?}\n{}",
                stderr_tail(&stderr)
            ),
        };
        // After the handshake go-plugin keeps relaying stdout; drain it for the same reason.
        tokio::spawn(async move { while let Ok(Some(_)) = stdout.next_line().await {} });

        let handshake = Handshake::parse(&line)
            .with_context(|| format!("bad handshake line {line:?}\n{}", stderr_tail(&stderr)))?;
        let (channel, client_cert_sent) = connect(&handshake, identity)
            .await
            .with_context(|| format!("connecting to the plugin\n{}", stderr_tail(&stderr)))?;

        // In TLS 1.3 a server rejects a client certificate only after the client has finished
        // its handshake, so one call is needed to know the connection holds.
        let mut provider = ProviderClient::new(channel.clone());
        if let Err(status) = provider
            .get_metadata(tfplugin6::get_metadata::Request {})
            .await
        {
            let hint = if client_cert_sent {
                "\nWe sent go-plugin's client certificate and the connection failed: the plugin's \
                 TLS stack probably rejected it (webpki refuses a CA certificate as a leaf). \
                 Terraform sends the same certificate, so it would fail too."
            } else {
                ""
            };
            bail!(
                "first call (GetMetadata) failed: {status}{hint}\n{}",
                stderr_tail(&stderr)
            );
        }

        Ok(Self {
            provider,
            controller: GrpcControllerClient::new(channel),
            handshake,
            client_cert_sent,
            child,
            stderr,
        })
    }

    /// Everything the plugin has written to stderr so far (its log).
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Stops the plugin as go-plugin's `Client.Kill` does: ask through GRPCController.Shutdown,
    /// kill it only if that is not served, then wait for the process to exit.
    pub async fn shutdown(self) -> anyhow::Result<Exit> {
        let Self {
            provider,
            mut controller,
            mut child,
            stderr,
            ..
        } = self;
        let graceful = match controller.shutdown(plugin::Empty {}).await {
            Ok(_) => true,
            Err(status) if status.code() == tonic::Code::Unimplemented => {
                child.start_kill()?;
                false
            }
            Err(status) => bail!("Shutdown failed: {status}\n{}", stderr_tail(&stderr)),
        };
        // Close our side so a graceful server shutdown does not wait on an idle connection.
        drop((provider, controller));
        match tokio::time::timeout(EXIT_TIMEOUT, child.wait()).await {
            Ok(status) => Ok(Exit {
                graceful,
                status: status?,
            }),
            Err(_) => {
                child.kill().await?;
                Err(anyhow!(
                    "plugin still running {EXIT_TIMEOUT:?} after Shutdown; killed it\n{}",
                    stderr_tail(&stderr)
                ))
            }
        }
    }
}

fn stderr_tail(stderr: &Mutex<String>) -> String {
    let text = stderr.lock().unwrap();
    let start = text.len().saturating_sub(4000);
    let start = (start..text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(text.len());
    format!("--- plugin stderr (tail) ---\n{}", &text[start..])
}

/// The plugin's answer on stdout.
#[derive(Debug, Clone)]
pub struct Handshake {
    pub core_version: u32,
    pub app_version: u32,
    pub address: Address,
    pub protocol: String,
    /// The plugin's TLS certificate (DER), the only one the client trusts.
    pub server_cert: Vec<u8>,
}

#[derive(Debug, Clone)]
pub enum Address {
    Tcp(String),
    Unix(PathBuf),
}

impl Handshake {
    pub fn parse(line: &str) -> anyhow::Result<Self> {
        let parts: Vec<&str> = line.trim_end().split('|').collect();
        let [core, app, network, address, protocol, rest @ ..] = parts.as_slice() else {
            bail!("expected at least 5 `|`-separated fields");
        };
        let address = match *network {
            "tcp" => Address::Tcp(address.to_string()),
            "unix" => Address::Unix(PathBuf::from(address)),
            other => bail!("unsupported network {other:?}"),
        };
        // We sent a client certificate, so a plugin that answers without one would be serving
        // plaintext: refuse, as a TLS-only Terraform would.
        let cert = rest
            .first()
            .filter(|c| !c.is_empty())
            .ok_or_else(|| anyhow!("no server certificate although PLUGIN_CLIENT_CERT was set"))?;
        // go-plugin writes unpadded base64; accept padding too.
        let server_cert = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(cert.trim_end_matches('='))
            .context("server certificate is not base64")?;
        let handshake = Self {
            core_version: core.parse().context("core protocol version")?,
            app_version: app.parse().context("app protocol version")?,
            address,
            protocol: protocol.to_string(),
            server_cert,
        };
        ensure!(
            handshake.core_version == 1,
            "go-plugin core protocol must be 1"
        );
        ensure!(handshake.app_version == 6, "we offered only protocol 6");
        ensure!(
            handshake.protocol == "grpc",
            "Terraform only speaks grpc to providers"
        );
        Ok(handshake)
    }
}

/// The client's throwaway certificate and key.
struct ClientIdentity {
    pem: String,
    cert: CertificateDer<'static>,
    key: PrivateKeyDer<'static>,
}

impl ClientIdentity {
    /// The same certificate go-plugin's `generateCert` (mtls.go) makes for Terraform.
    fn generate() -> anyhow::Result<Self> {
        use rcgen::{
            BasicConstraints, CertificateParams, DistinguishedName, DnType,
            ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose,
        };
        let mut params = CertificateParams::new(vec!["localhost".to_string()])?;
        let mut name = DistinguishedName::new();
        name.push(DnType::CommonName, "localhost");
        name.push(DnType::OrganizationName, "HashiCorp");
        params.distinguished_name = name;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
            KeyUsagePurpose::KeyAgreement,
            KeyUsagePurpose::KeyCertSign,
        ];
        params.extended_key_usages = vec![
            ExtendedKeyUsagePurpose::ClientAuth,
            ExtendedKeyUsagePurpose::ServerAuth,
        ];
        let now = time::OffsetDateTime::now_utc();
        params.not_before = now - time::Duration::seconds(30);
        params.not_after = now + time::Duration::hours(262_980);

        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512)?;
        let cert = params.self_signed(&key)?;
        Ok(Self {
            pem: cert.pem(),
            cert: cert.der().clone(),
            key: PrivateKeyDer::Pkcs8(key.serialize_der().into()),
        })
    }
}

/// Opens the gRPC channel: TLS 1.2+ (go-plugin's minimum), SNI `localhost` (go-plugin's server
/// name), HTTP/2 via ALPN, our certificate offered, the plugin's certificate pinned.
/// Also returns whether the client certificate was sent.
async fn connect(
    handshake: &Handshake,
    identity: ClientIdentity,
) -> anyhow::Result<(Channel, bool)> {
    // aws-lc-rs, because ring cannot sign with go-plugin's P-521 key.
    let crypto = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = PinnedServerCert {
        cert: CertificateDer::from(handshake.server_cert.clone()),
        algorithms: crypto.signature_verification_algorithms,
    };
    let client_cert = GoClientCert {
        key: Arc::new(CertifiedKey::new(
            vec![identity.cert],
            crypto.key_provider.load_private_key(identity.key)?,
        )),
        sent: Arc::new(AtomicBool::new(false)),
    };
    let sent = client_cert.sent.clone();
    let mut config = ClientConfig::builder_with_provider(crypto)
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_client_cert_resolver(Arc::new(client_cert));
    config.alpn_protocols = vec![b"h2".to_vec()];

    let connector = MtlsConnector {
        address: handshake.address.clone(),
        tls: tokio_rustls::TlsConnector::from(Arc::new(config)),
    };
    // The URI only fills in HTTP/2 pseudo-headers; `http` stops tonic adding its own TLS layer.
    let channel = Endpoint::from_static("http://localhost")
        .connect_timeout(HANDSHAKE_TIMEOUT)
        .connect_with_connector(connector)
        .await?;
    Ok((channel, sent.load(Ordering::SeqCst)))
}

/// Offers the client certificate by Go's rule (`crypto/tls` `getClientCertificate`): only when
/// the server asks and lists a signature scheme the key can sign with. Go also requires the
/// issuer among the server's acceptable CAs; tf-provider lists exactly our certificate, so that
/// part always holds here.
#[derive(Debug)]
struct GoClientCert {
    key: Arc<CertifiedKey>,
    sent: Arc<AtomicBool>,
}

impl ResolvesClientCert for GoClientCert {
    fn resolve(
        &self,
        _acceptable_issuers: &[&[u8]],
        sigschemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        let usable = self.key.key.choose_scheme(sigschemes).is_some();
        self.sent.store(usable, Ordering::SeqCst);
        usable.then(|| self.key.clone())
    }

    fn has_certs(&self) -> bool {
        true
    }
}

/// Trusts exactly the certificate from the handshake line.
///
/// go-plugin puts that certificate alone in the client's root pool. rustls' standard verifier
/// cannot do the same, because the plugin's certificate is a CA used as its own leaf, which webpki
/// refuses. Comparing it byte for byte is at least as strict; the handshake signature is still
/// checked against its key, so the peer must hold the private key.
#[derive(Debug)]
struct PinnedServerCert {
    cert: CertificateDer<'static>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for PinnedServerCert {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.cert.as_ref() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "server certificate differs from the one in the handshake line".into(),
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// Any byte stream the plugin can be reached over (TCP, or a unix socket).
trait Stream: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Stream for T {}

/// tonic connector that dials the handshake address and wraps it in TLS.
#[derive(Clone)]
struct MtlsConnector {
    address: Address,
    tls: tokio_rustls::TlsConnector,
}

type TlsStream = tokio_rustls::client::TlsStream<Box<dyn Stream>>;

impl Service<Uri> for MtlsConnector {
    type Response = TokioIo<TlsStream>;
    type Error = std::io::Error;
    type Future = Pin<Box<dyn Future<Output = std::io::Result<Self::Response>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _uri: Uri) -> Self::Future {
        let this = self.clone();
        Box::pin(async move {
            let stream: Box<dyn Stream> = match &this.address {
                Address::Tcp(addr) => Box::new(tokio::net::TcpStream::connect(addr).await?),
                Address::Unix(path) => Box::new(tokio::net::UnixStream::connect(path).await?),
            };
            let name = ServerName::try_from("localhost").expect("valid DNS name");
            Ok(TokioIo::new(this.tls.connect(name, stream).await?))
        })
    }
}
