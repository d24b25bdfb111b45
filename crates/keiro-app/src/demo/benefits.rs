//! The demo world's membership benefits (issue 17 point 10). Operator staff keep a catalog of
//! benefits of every kind of seed 003 and a key pool for the software; Sakura Distribution is a
//! Gold partner whose sales agent bought its package (no admin role needed) and whose
//! membership admin got one software key; its global admin assigned the Azure credits and a
//! Visual Studio subscription, its membership admin activated the technical benefits (one
//! support request open, one advisory request answered with the hours used) and assigned the
//! marketing contact, and of its go-to-market offers one is active (confirmed by operator
//! staff), one pending, one not activated yet; Fuji Reseller is an Action Pack partner that has
//! not bought yet; Minato IT Solutions has no level and sees "no benefits yet". Every step goes
//! through the use cases a browser or the API calls. Idempotent: each piece is made once.

use super::advisors::acting;
use crate::benefits::{self, BenefitInput, Download, LevelShare};
use crate::registry::RecordInput;
use crate::{App, AppResult};
use keiro_store::repo;

const OPERATOR: &str = "admin@operator.keiro.example";
const GOLD: (&str, &str) = (
    "sales@sakura-dist.example",
    "membership@sakura-dist.example",
);
const GOLD_ADMIN: &str = "admin@sakura-dist.example";

fn share(level: &str, quantity: i64) -> LevelShare {
    LevelShare {
        level: level.into(),
        quantity,
        unit: String::new(),
        amount_minor: None,
        currency: None,
    }
}

fn credit(level: &str, users: i64, amount_minor: i64) -> LevelShare {
    LevelShare {
        amount_minor: Some(amount_minor),
        currency: Some("USD".into()),
        ..share(level, users)
    }
}

struct Spec {
    code: &'static str,
    kind: &'static str,
    tier: &'static str,
    names: (&'static str, &'static str),
    descriptions: (&'static str, &'static str),
    instructions: (&'static str, &'static str),
    months: i64,
    offer_sku: Option<&'static str>,
    levels: Vec<LevelShare>,
}

fn catalog() -> Vec<Spec> {
    vec![
        Spec {
            code: "office-professional-plus",
            kind: "software",
            tier: "core",
            names: ("Office Professional Plus", "Office Professional Plus"),
            descriptions: (
                "社内で使う Office アプリケーション (Word、Excel、PowerPoint、Outlook)。",
                "Office apps for internal use (Word, Excel, PowerPoint, Outlook).",
            ),
            instructions: (
                "キーは 1 台につき 1 つです。インストール後 30 日以内にライセンス認証してください。",
                "One key per computer. Activate within 30 days of installing.",
            ),
            months: 12,
            offer_sku: None,
            levels: vec![
                share("gold", 3),
                share("silver", 2),
                share("action_pack", 1),
            ],
        },
        Spec {
            code: "windows-server-datacenter",
            kind: "software",
            tier: "incremental",
            names: ("Windows Server Datacenter", "Windows Server Datacenter"),
            descriptions: (
                "検証環境と社内システム用のサーバー OS。",
                "The server OS for test labs and internal systems.",
            ),
            instructions: (
                "本番のお客様環境には使用しないでください。",
                "Do not use it in production customer environments.",
            ),
            months: 12,
            offer_sku: None,
            levels: vec![share("gold", 2)],
        },
        Spec {
            code: "k365-business-licenses",
            kind: "license_subscription",
            tier: "core",
            names: (
                "Keiro 365 Business (社内使用ライセンス)",
                "Keiro 365 Business (internal-use licenses)",
            ),
            descriptions: (
                "社内で使う Keiro 365 Business のシート。キーを自社のテナントで引き換えます。",
                "Keiro 365 Business seats for internal use, redeemed with a key in your own tenant.",
            ),
            instructions: (
                "キーは一度だけ引き換えられます。シートを追加するか終了日を延長するかを確認してから引き換えてください。",
                "A key is redeemed once: decide whether to add seats or extend the end date first.",
            ),
            months: 12,
            offer_sku: Some("K365-BIZ-Y"),
            levels: vec![
                share("gold", 25),
                share("silver", 10),
                share("action_pack", 5),
            ],
        },
        Spec {
            code: "azure-monthly-credit",
            kind: "azure_monthly_credit",
            tier: "core",
            names: ("Azure 月単位クレジット", "Azure monthly credit"),
            descriptions: (
                "ユーザーごとに毎月 100 ドル (または現地通貨で同等の額) のクレジット。",
                "100 USD a month (or the local equivalent) for each user it is assigned to.",
            ),
            instructions: ("", ""),
            months: 12,
            offer_sku: None,
            levels: vec![
                credit("gold", 10, 10_000),
                credit("silver", 5, 10_000),
                credit("action_pack", 1, 10_000),
            ],
        },
        Spec {
            code: "azure-annual-credit",
            kind: "azure_annual_credit",
            tier: "incremental",
            names: ("Azure 一括クレジット", "Azure annual credit"),
            descriptions: (
                "1 人のユーザーに割り当てる年単位のクレジット。他のクレジットのプランとは組み合わせられません。",
                "A yearly credit assigned to one user; it cannot be combined with other credit offers.",
            ),
            instructions: ("", ""),
            months: 12,
            offer_sku: None,
            levels: vec![credit("gold", 1, 1_300_000), credit("silver", 1, 600_000)],
        },
        Spec {
            code: "visual-studio-enterprise",
            kind: "visual_studio",
            tier: "core",
            names: (
                "Visual Studio Enterprise サブスクリプション",
                "Visual Studio Enterprise subscriptions",
            ),
            descriptions: ("", ""),
            instructions: ("", ""),
            months: 12,
            offer_sku: None,
            levels: vec![
                share("gold", 5),
                share("silver", 3),
                share("action_pack", 1),
            ],
        },
        Spec {
            code: "product-support-incidents",
            kind: "technical_support",
            tier: "core",
            names: (
                "Microsoft 製品サポート インシデント",
                "Product support incidents",
            ),
            descriptions: (
                "オンプレミス製品 (現在および前のバージョン) のテクニカル サポート インシデント。",
                "Technical support incidents for on-premises products (current and previous versions).",
            ),
            instructions: ("", ""),
            months: 12,
            offer_sku: None,
            levels: vec![
                share("gold", 20),
                share("silver", 10),
                share("action_pack", 2),
            ],
        },
        Spec {
            code: "partner-advisory-hours",
            kind: "advisory_hours",
            tier: "incremental",
            names: ("パートナー相談時間", "Partner advisory hours"),
            descriptions: (
                "テクニカル プリセールスと展開の相談に使う時間。",
                "Hours for technical presales and deployment advice.",
            ),
            instructions: ("", ""),
            months: 12,
            offer_sku: None,
            levels: vec![share("gold", 50), share("silver", 20)],
        },
        Spec {
            code: "gold-core-go-to-market",
            kind: "go_to_market",
            tier: "core",
            names: (
                "ゴールド コア 市場投入オファー",
                "Gold core go-to-market offers",
            ),
            descriptions: (
                "ゴールド パートナー向けのマーケティング リソースとキャンペーン支援。",
                "Marketing resources and campaign support for Gold partners.",
            ),
            instructions: (
                "マーケティング担当者に届く手順に従って、キャンペーンの素材を申し込んでください。",
                "Follow the steps your marketing contact receives to order the campaign kit.",
            ),
            months: 12,
            offer_sku: None,
            levels: vec![share("gold", 1)],
        },
        Spec {
            code: "isv-co-sell-go-to-market",
            kind: "go_to_market",
            tier: "incremental",
            names: ("ISV 共同販売対応", "ISV co-sell ready"),
            descriptions: (
                "運営者の営業チームとの共同販売プログラム。",
                "The co-sell programme with the operator's sales teams.",
            ),
            instructions: ("", ""),
            months: 12,
            offer_sku: None,
            levels: vec![share("gold", 1), share("silver", 1)],
        },
        Spec {
            code: "cloud-campaign-go-to-market",
            kind: "go_to_market",
            tier: "incremental",
            names: ("クラウド移行キャンペーン", "Cloud migration campaign"),
            descriptions: (
                "クラウド移行の見込み客向けキャンペーン一式。",
                "A campaign kit for cloud migration prospects.",
            ),
            instructions: ("", ""),
            months: 6,
            offer_sku: None,
            levels: vec![share("gold", 1)],
        },
    ]
}

/// Operator staff's catalog and the software pools.
async fn seed_catalog(app: &App) -> AppResult<()> {
    if repo::benefits::by_code(app.db.reader(), "office-professional-plus")
        .await?
        .is_some()
    {
        return Ok(());
    }
    let staff = acting(app, OPERATOR).await?;
    for s in catalog() {
        let downloads = if s.kind == "software" {
            [("ja", "windows"), ("en", "windows"), ("multi", "macos")]
                .into_iter()
                .map(|(l, os)| Download {
                    language: l.into(),
                    os: os.into(),
                    url: format!("https://downloads.keiro.example/{}/{l}-{os}", s.code),
                    label: format!("{} ({l}, {os})", s.names.1),
                })
                .collect()
        } else {
            vec![]
        };
        let input = BenefitInput {
            code: s.code.into(),
            kind: s.kind.into(),
            name_ja: s.names.0.into(),
            name_en: s.names.1.into(),
            description_ja: s.descriptions.0.into(),
            description_en: s.descriptions.1.into(),
            instructions_ja: s.instructions.0.into(),
            instructions_en: s.instructions.1.into(),
            tier: s.tier.into(),
            months: Some(s.months),
            offer_sku: s.offer_sku.map(str::to_string),
            levels: s.levels,
            downloads,
            state: String::new(),
        };
        benefits::create(app, &staff, input, None).await?;
    }
    // Office's pool has keys to spare; Windows Server's one key runs out at the second.
    let mut csv = String::from("benefit_code,key\n");
    for n in 1..=6 {
        csv.push_str(&format!(
            "office-professional-plus,DEMO1-OFFIC-EPRO-{n:05}\n"
        ));
    }
    csv.push_str("windows-server-datacenter,DEMO2-WINSV-DATAC-00001\n");
    benefits::import_keys(app, &staff, &csv, &|_, _| {}).await?;
    Ok(())
}

/// Links a demo partner to a registry record of `level`, as enrollment does.
async fn record(app: &App, partner_id: &str, name: &str, level: &str) -> AppResult<()> {
    let tx = app.db.begin().await?;
    if repo::registry::by_partner_id(&tx, partner_id)
        .await?
        .is_some()
    {
        return Ok(());
    }
    let Some(org) = repo::orgs::by_partner_id(&tx, partner_id).await? else {
        return Ok(());
    };
    let input = RecordInput {
        partner_id: partner_id.into(),
        organization_name: name.into(),
        country: "JP".into(),
        level: level.into(),
        status: "active".into(),
        expires_on: Some((app.now() + time::Duration::days(365)).date().to_string()),
    };
    let mut m = crate::registry::record_for(&input, String::new(), app.now())?;
    m.claimed_by_org_id = Some(org.id);
    repo::insert(&tx, m).await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn seed(app: &App) -> AppResult<()> {
    seed_catalog(app).await?;
    record(app, "1000001", "Sakura Distribution KK", "gold").await?;
    record(app, "2000001", "Fuji Reseller GK", "action_pack").await?;
    let sales = acting(app, GOLD.0).await?;
    if benefits::packages(app, &sales, None, None, 1)
        .await?
        .items
        .is_empty()
    {
        benefits::buy(app, &sales, None).await?;
        let member = acting(app, GOLD.1).await?;
        let office = benefits::allocations(app, &member, None, None, Some("software"), None, 50)
            .await?
            .items
            .into_iter()
            .find(|a| a.benefit.code == "office-professional-plus");
        if let Some(a) = office {
            benefits::get_key(app, &member, &a.id, None).await?;
        }
        uses(app).await?;
    }
    Ok(())
}

/// Sakura's benefits in use: credits and Visual Studio assigned, technical benefits activated
/// with requests, the marketing contact, and go-to-market offers in each state.
async fn uses(app: &App) -> AppResult<()> {
    let admin = acting(app, GOLD_ADMIN).await?;
    let member = acting(app, GOLD.1).await?;
    let staff = acting(app, OPERATOR).await?;
    let all = benefits::allocations(app, &admin, None, None, None, None, 50)
        .await?
        .items;
    let of = |code: &str| {
        all.iter()
            .find(|a| a.benefit.code == code)
            .map(|a| a.id.clone())
    };
    let user = |email: &str| {
        let email = email.to_string();
        async move {
            repo::users::find_by_email(app.db.reader(), &email)
                .await
                .map(|u| u.map(|u| u.id))
        }
    };
    let (Some(ga), Some(sales), Some(ma)) = (
        user(GOLD_ADMIN).await?,
        user(GOLD.0).await?,
        user(GOLD.1).await?,
    ) else {
        return Ok(());
    };
    if let Some(monthly) = of("azure-monthly-credit") {
        for u in [&sales, &ma] {
            benefits::assign(app, &admin, &monthly, u, None).await?;
        }
    }
    if let Some(annual) = of("azure-annual-credit") {
        benefits::assign(app, &admin, &annual, &ga, None).await?;
    }
    if let Some(vs) = of("visual-studio-enterprise") {
        benefits::assign(app, &admin, &vs, &sales, None).await?;
    }
    if let Some(tech) = of("product-support-incidents") {
        benefits::activate(app, &member, &tech).await?;
        let ask = benefits::SupportInput {
            kind: "technical_support".into(),
            allocation_id: tech,
            topic: Some("product".into()),
            description:
                "Exchange Server 2019 のメール キューが滞留しています。復旧の手順を教えてください。"
                    .into(),
        };
        benefits::open_request(app, &member, ask, None).await?;
    }
    if let Some(hours) = of("partner-advisory-hours") {
        let ask = benefits::SupportInput {
            kind: "advisory".into(),
            allocation_id: hours,
            topic: None,
            description: "お客様 30 社への Teams 展開計画についてプリセールスの相談をしたいです。"
                .into(),
        };
        let r = benefits::open_request(app, &member, ask, None).await?.value;
        benefits::answer(
            app,
            &staff,
            &r.id,
            "オンラインで 2 時間の相談を行い、展開計画のテンプレートをお送りしました。",
            Some(2),
        )
        .await?;
    }
    let contact = benefits::ContactInput {
        user_id: ma,
        email: "marketing-team@sakura-dist.example".into(),
        phone: "03-1234-5678".into(),
        language: "ja".into(),
    };
    benefits::set_contact(app, &member, contact, None).await?;
    for (code, confirm) in [
        ("gold-core-go-to-market", true),
        ("isv-co-sell-go-to-market", false),
    ] {
        if let Some(id) = of(code) {
            benefits::activate(app, &member, &id).await?;
            if confirm {
                benefits::confirm(app, &staff, &id).await?;
            }
        }
    }
    Ok(())
}
