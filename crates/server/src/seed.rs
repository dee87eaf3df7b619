//! The demo service center a new database starts with: Yuhuan's city center and its 11 township
//! branch centers, services A–E with matters and checklists, windows, one account per role.

use onetrip_api::command::{Command, CommandBody, CommandStatus};
use onetrip_domain::auth::Role;
use onetrip_domain::config::{Matter, Service, Site, SiteKind, Window};
use uuid::Uuid;

use crate::actor::Actor;
use crate::auth::sql::{NewAccount, count_accounts, insert_account};
use crate::commands::Commands;
use crate::password::hash_password;

/// The password every demo account starts with.
pub const DEMO_PASSWORD: &str = "Yuhuan@2026";

pub const BRANCHES: [&str; 11] = [
    "楚门镇",
    "清港镇",
    "干江镇",
    "沙门镇",
    "芦浦镇",
    "龙溪镇",
    "海山乡",
    "鸡山乡",
    "玉城街道",
    "坎门街道",
    "大麦屿街道",
];

/// A demo account as printed on the terminal.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub username: &'static str,
    pub display_name: &'static str,
    pub role: Role,
    /// A reviewer's specialty (专业).
    pub specialty: Option<&'static str>,
}

pub const DEMO_ACCOUNTS: [DemoAccount; 7] = [
    DemoAccount {
        username: "admin",
        display_name: "系统管理员",
        role: Role::Admin,
        specialty: None,
    },
    DemoAccount {
        username: "supervisor",
        display_name: "周主管",
        role: Role::Supervisor,
        specialty: None,
    },
    DemoAccount {
        username: "clerk",
        display_name: "王小红",
        role: Role::Clerk,
        specialty: None,
    },
    DemoAccount {
        username: "reviewer",
        display_name: "李建筑",
        role: Role::Reviewer,
        specialty: Some("建筑"),
    },
    DemoAccount {
        username: "structure",
        display_name: "陈结构",
        role: Role::Reviewer,
        specialty: Some("结构"),
    },
    DemoAccount {
        username: "permit",
        display_name: "陈许可",
        role: Role::PermitOfficer,
        specialty: None,
    },
    DemoAccount {
        username: "delivery",
        display_name: "赵送达",
        role: Role::PrintDelivery,
        specialty: None,
    },
];

/// A seeded matter: name, promised working days, materials checklist.
type DemoMatter = (&'static str, u16, Vec<&'static str>);

fn services() -> Vec<(Service, Vec<DemoMatter>)> {
    let service = |prefix: &str, name: &str| Service {
        id: Uuid::new_v4(),
        prefix: prefix.into(),
        name: name.into(),
    };
    vec![
        (
            service("A", "企业开办"),
            vec![
                (
                    "有限责任公司设立登记",
                    1,
                    vec![
                        "公司登记（备案）申请书",
                        "公司章程",
                        "股东主体资格证明",
                        "法定代表人、董事、监事和经理的任职文件及身份证明",
                        "住所使用证明",
                    ],
                ),
                (
                    "个体工商户设立登记",
                    0,
                    vec![
                        "个体工商户登记（备案）申请书",
                        "经营者身份证明",
                        "经营场所使用证明",
                    ],
                ),
            ],
        ),
        (
            service("B", "不动产登记"),
            vec![
                (
                    "国有建设用地使用权及房屋所有权转移登记",
                    3,
                    vec![
                        "不动产登记申请书",
                        "申请人身份证明",
                        "不动产权属证书",
                        "房屋买卖合同",
                        "完税凭证",
                    ],
                ),
                (
                    "抵押权首次登记",
                    3,
                    vec![
                        "不动产登记申请书",
                        "申请人身份证明",
                        "不动产权属证书",
                        "主债权合同",
                        "抵押合同",
                    ],
                ),
            ],
        ),
        (
            service("C", "社保医保"),
            vec![
                (
                    "城乡居民基本养老保险参保登记",
                    0,
                    vec!["居民身份证", "户口簿"],
                ),
                (
                    "基本医疗保险关系转移接续",
                    5,
                    vec!["居民身份证", "参保凭证"],
                ),
            ],
        ),
        (
            service("D", "工程建设"),
            vec![
                (
                    "施工图设计文件审查",
                    10,
                    vec![
                        "施工图审查申请表",
                        "施工图设计文件",
                        "岩土工程勘察文件",
                        "设计合同",
                    ],
                ),
                (
                    "建筑工程施工许可证核发",
                    3,
                    vec![
                        "建筑工程施工许可申请表",
                        "用地批准手续",
                        "施工合同",
                        "施工图审查合格书",
                        "质量安全监督手续",
                    ],
                ),
            ],
        ),
        (
            service("E", "排水许可"),
            vec![(
                "城镇污水排入排水管网许可",
                15,
                vec![
                    "排水许可申请表",
                    "排水平面图（排水管网、检测井、排放口位置）",
                    "排水户承诺书",
                    "营业执照",
                ],
            )],
        ),
    ]
}

/// Fills an empty database with the demo center. Does nothing when any account exists.
/// Returns whether it seeded.
pub async fn seed_demo(commands: &Commands, now_ms: i64) -> anyhow::Result<bool> {
    if count_accounts(&mut commands.store().acquire().await?.conn()).await? > 0 {
        return Ok(false);
    }
    let system = Actor::system();
    let apply = |body: CommandBody| {
        let system = system.clone();
        async move {
            let outcome = commands.apply(&system, &Command::new(body), now_ms).await?;
            anyhow::ensure!(
                outcome.status == CommandStatus::Applied,
                "seeding refused: {:?}",
                outcome.error
            );
            anyhow::Ok(())
        }
    };

    let center = Site {
        id: Uuid::new_v4(),
        name: "玉环市行政服务中心".into(),
        kind: SiteKind::Center,
        parent_id: None,
        policy: None,
        permit_second_officer: false,
    };
    apply(CommandBody::SaveSite(center.clone())).await?;
    let mut branches = Vec::new();
    for name in BRANCHES {
        let branch = Site {
            id: Uuid::new_v4(),
            name: format!("{name}便民服务中心"),
            kind: SiteKind::Branch,
            parent_id: Some(center.id),
            policy: None,
            permit_second_officer: false,
        };
        apply(CommandBody::SaveSite(branch.clone())).await?;
        branches.push(branch);
    }

    let mut service_ids = Vec::new();
    for (service, matters) in services() {
        apply(CommandBody::SaveService(service.clone())).await?;
        service_ids.push(service.id);
        for (name, promised_days, materials) in matters {
            apply(CommandBody::SaveMatter(Matter {
                id: Uuid::new_v4(),
                service_id: service.id,
                name: name.into(),
                materials: materials.into_iter().map(String::from).collect(),
                promised_days,
            }))
            .await?;
        }
    }

    // City center: two comprehensive windows, then windows per service; E shares with D.
    let [a, b, c, d, e] = [
        service_ids[0],
        service_ids[1],
        service_ids[2],
        service_ids[3],
        service_ids[4],
    ];
    let center_windows: [(u16, Vec<Uuid>); 8] = [
        (1, service_ids.clone()),
        (2, service_ids.clone()),
        (3, vec![a]),
        (4, vec![a]),
        (5, vec![b]),
        (6, vec![b]),
        (7, vec![c]),
        (8, vec![d, e]),
    ];
    for (number, services) in center_windows {
        apply(CommandBody::SaveWindow(Window {
            id: Uuid::new_v4(),
            site_id: center.id,
            number,
            service_ids: services,
        }))
        .await?;
    }
    for branch in &branches {
        for (number, services) in [(1, service_ids.clone()), (2, vec![c])] {
            apply(CommandBody::SaveWindow(Window {
                id: Uuid::new_v4(),
                site_id: branch.id,
                number,
                service_ids: services,
            }))
            .await?;
        }
    }

    let mut pooled = commands.store().acquire().await?;
    for demo in DEMO_ACCOUNTS {
        insert_account(
            &mut pooled.conn(),
            &NewAccount {
                id: Uuid::new_v4(),
                username: demo.username.into(),
                display_name: demo.display_name.into(),
                role: demo.role,
                site_id: (demo.role != Role::Admin).then_some(center.id),
                specialty: demo.specialty.map(str::to_owned),
                password_hash: hash_password(DEMO_PASSWORD)?,
            },
            now_ms,
        )
        .await?;
    }
    Ok(true)
}

/// The lines that tell a person how to log in to the demo center.
pub fn demo_accounts_text() -> String {
    let mut text = String::from("Demo accounts (演示账户), password / 密码: ");
    text.push_str(DEMO_PASSWORD);
    text.push('\n');
    for demo in DEMO_ACCOUNTS {
        text.push_str(&format!(
            "  {:<11} {} ({})\n",
            demo.username,
            demo.display_name,
            demo.role.as_str()
        ));
    }
    text
}
