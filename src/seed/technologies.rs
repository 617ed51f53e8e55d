//! Technologies with their translations and inventors.

use chrono::NaiveDate;
use entity::enums::{ClinicalStage, RegulatoryClass, TechnologyField, TechnologyStage, Visibility};
use entity::{technology, technology_inventor, technology_translation};
use sea_orm::{ActiveValue::Set, EntityTrait};
use uuid::Uuid;

use super::{Ctx, date, tags};

pub(super) struct TechRow {
    pub reference: &'static str,
    pub owner: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    pub field: TechnologyField,
    pub trl: i32,
    pub stage: TechnologyStage,
    pub visibility: Visibility,
    pub regulatory_class: Option<RegulatoryClass>,
    pub clinical_stage: ClinicalStage,
    pub keywords: &'static [&'static str],
    pub disclosed_on: NaiveDate,
    /// (language, title, summary).
    pub translations: &'static [(&'static str, &'static str, &'static str)],
    /// (person key, share in basis points); the shares sum to 10000.
    pub inventors: &'static [(&'static str, i32)],
}

use ClinicalStage::{NotApplicable, Preclinical};
use TechnologyField as F;
use TechnologyStage as S;
use Visibility::{Confidential, Consortium, Public};

pub(super) const TECHNOLOGIES: &[TechRow] = &[
    TechRow {
        reference: "SUMHS-2025-001",
        owner: "sumhs",
        title: "Point-of-care multiplex assay for early sepsis detection from finger-prick blood",
        summary: "A disposable microfluidic cartridge and a handheld fluorescence reader that \
            quantify procalcitonin, interleukin-6 and presepsin from 50 µL of capillary blood in \
            15 minutes. In a retrospective study of 412 emergency-department patients at \
            SUMHS-affiliated hospitals the combined score reached an AUC of 0.91 for sepsis \
            within 6 hours of admission, without a central laboratory. Designed for primary care \
            and rural emergency departments.",
        field: F::Diagnostics,
        trl: 6,
        stage: S::Licensed,
        visibility: Public,
        regulatory_class: Some(RegulatoryClass::NmpaIi),
        clinical_stage: NotApplicable,
        keywords: &[
            "sepsis",
            "point-of-care testing",
            "procalcitonin",
            "interleukin-6",
            "presepsin",
            "microfluidics",
            "immunoassay",
        ],
        disclosed_on: date(2025, 1, 14),
        translations: &[(
            "zh",
            "基于指尖血的脓毒症早期检测床旁多联检系统",
            "一次性微流控检测卡配合手持式荧光读数仪，15分钟内即可从50微升末梢血中定量检测降钙素原、\
             白细胞介素-6和可溶性CD14亚型（presepsin）。在上海健康医学院附属医院412例急诊患者的\
             回顾性研究中，联合评分对入院6小时内脓毒症的诊断AUC达0.91，无需中心实验室。\
             适用于基层医疗机构和农村急诊。",
        )],
        inventors: &[("chen.hong", 6000), ("wang.lei", 4000)],
    },
    TechRow {
        reference: "SUMHS-2025-002",
        owner: "sumhs",
        title: "Chitosan–silver nanocomposite hydrogel dressing for chronic diabetic wounds",
        summary: "An injectable, self-healing hydrogel of quaternised chitosan crosslinked with \
            oxidised dextran and loaded with 20 nm silver nanoparticles. It keeps the wound bed \
            moist, releases silver over seven days and kills MRSA and Pseudomonas aeruginosa \
            biofilms in vitro; in a diabetic rat full-thickness wound model it closed wounds 38% \
            faster than a commercial alginate–silver dressing. Being incubated as a spin-out.",
        field: F::Biomaterials,
        trl: 5,
        stage: S::SpunOut,
        visibility: Consortium,
        regulatory_class: Some(RegulatoryClass::NmpaIi),
        clinical_stage: Preclinical,
        keywords: &[
            "wound dressing",
            "chitosan",
            "silver nanoparticles",
            "hydrogel",
            "diabetic foot ulcer",
            "antibacterial",
        ],
        disclosed_on: date(2025, 3, 4),
        translations: &[(
            "zh",
            "用于慢性糖尿病创面的壳聚糖-纳米银复合水凝胶敷料",
            "由季铵化壳聚糖与氧化葡聚糖交联并负载20纳米银颗粒的可注射自愈合水凝胶。可保持创面湿润，\
             七天内持续释放银离子，体外可杀灭耐甲氧西林金黄色葡萄球菌和铜绿假单胞菌生物膜；\
             在糖尿病大鼠全层皮肤缺损模型中，创面愈合速度比市售藻酸盐银敷料快38%。\
             目前正在孵化为衍生企业。",
        )],
        inventors: &[("zhao.min", 7000), ("wang.lei", 3000)],
    },
    TechRow {
        reference: "SUMHS-2025-003",
        owner: "sumhs",
        title: "Dissolving microneedle patch delivering tanshinone IIA against hypertrophic \
            scarring",
        summary: "Hyaluronic-acid microneedles (600 µm) carrying water-dispersible nanocrystals \
            of tanshinone IIA, the anti-fibrotic diterpenoid of Salvia miltiorrhiza (Danshen). \
            The patch delivers the compound into the dermis, suppresses TGF-β1/Smad3 signalling \
            in scar fibroblasts and reduced the scar elevation index by 45% in a rabbit ear \
            model. Developed jointly with the University of Banja Luka; the PCT application is \
            published and a CN utility model for the applicator is being drafted.",
        field: F::Therapeutics,
        trl: 4,
        stage: S::Protection,
        visibility: Confidential,
        regulatory_class: None,
        clinical_stage: Preclinical,
        keywords: &[
            "microneedles",
            "tanshinone IIA",
            "Salvia miltiorrhiza",
            "anti-fibrotic",
            "hypertrophic scar",
            "transdermal delivery",
            "traditional Chinese medicine",
        ],
        disclosed_on: date(2025, 2, 26),
        translations: &[
            (
                "zh",
                "递送丹参酮IIA防治增生性瘢痕的可溶性微针贴片",
                "以透明质酸微针（600微米）负载水分散性丹参酮IIA纳米晶——丹参中的抗纤维化二萜成分。\
                 贴片将药物递送至真皮层，抑制瘢痕成纤维细胞中的TGF-β1/Smad3信号通路，\
                 在兔耳模型中使瘢痕增生指数降低45%。与巴尼亚卢卡大学联合研发；PCT申请已公布，\
                 贴敷器的中国实用新型正在撰写中。",
            ),
            (
                "sr",
                "Rastvorljivi mikroiglični flaster sa tanšinonom IIA protiv hipertrofičnih ožiljaka",
                "Mikroigle od hijaluronske kiseline (600 µm) nose vodorastvorne nanokristale \
                 tanšinona IIA, antifibroznog diterpenoida iz biljke Salvia miltiorrhiza (danšen). \
                 Flaster unosi jedinjenje u dermis, suzbija TGF-β1/Smad3 signalizaciju u \
                 fibroblastima ožiljka i smanjio je indeks izdignutosti ožiljka za 45% na modelu \
                 zečjeg uha. Razvijeno zajedno sa Univerzitetom u Banjoj Luci.",
            ),
        ],
        inventors: &[
            ("sun.jie", 5000),
            ("zhao.min", 2000),
            ("milana.saric", 3000),
        ],
    },
    TechRow {
        reference: "UNIBL-2025-001",
        owner: "unibl",
        title: "Impedance-based rapid antimicrobial susceptibility test for positive blood \
            cultures",
        summary: "Interdigitated gold microelectrodes in a 32-well cartridge follow the growth of \
            bacteria taken directly from a positive blood-culture bottle in the presence of 16 \
            antibiotics and read susceptibility from impedance changes within 4 hours, instead \
            of the 18–24 hours of disk diffusion. A proof of concept on 60 clinical Escherichia \
            coli and Klebsiella pneumoniae isolates from the University Clinical Centre of the \
            Republic of Srpska agreed 94% with the reference method.",
        field: F::Diagnostics,
        trl: 3,
        stage: S::Assessment,
        visibility: Confidential,
        regulatory_class: None,
        clinical_stage: NotApplicable,
        keywords: &[
            "antimicrobial resistance",
            "antimicrobial susceptibility testing",
            "impedance spectroscopy",
            "blood culture",
            "microelectrodes",
        ],
        disclosed_on: date(2025, 4, 22),
        translations: &[
            (
                "sr",
                "Brzi test antimikrobne osjetljivosti zasnovan na impedansi za pozitivne \
                 hemokulture",
                "Interdigitalne zlatne mikroelektrode u kaseti sa 32 bunarčića prate rast \
                 bakterija uzetih direktno iz pozitivne bočice hemokulture u prisustvu 16 \
                 antibiotika i očitavaju osjetljivost iz promjena impedanse za 4 sata, umjesto \
                 18–24 sata koliko traje disk-difuziona metoda. Dokaz koncepta na 60 kliničkih \
                 izolata Escherichia coli i Klebsiella pneumoniae iz Univerzitetskog kliničkog \
                 centra Republike Srpske pokazao je 94% slaganja sa referentnom metodom.",
            ),
            (
                "bs",
                "Brzi test antimikrobne osjetljivosti zasnovan na impedanciji za pozitivne \
                 hemokulture",
                "Interdigitalne zlatne mikroelektrode u kaseti s 32 jažice prate rast bakterija \
                 uzetih direktno iz pozitivne bočice hemokulture uz 16 antibiotika i očitavaju \
                 osjetljivost iz promjena impedancije u roku od 4 sata, umjesto 18–24 sata \
                 potrebnih za disk-difuzijsku metodu. Dokaz koncepta na 60 kliničkih izolata \
                 Escherichia coli i Klebsiella pneumoniae pokazao je 94% podudarnosti s \
                 referentnom metodom.",
            ),
        ],
        inventors: &[("natasa.bojanic", 6000), ("ognjen.radulovic", 4000)],
    },
    TechRow {
        reference: "UNIBL-2025-002",
        owner: "unibl",
        title: "Standardised immortelle (Helichrysum italicum) extract for topical \
            anti-inflammatory care",
        summary: "A supercritical-CO2 extract of Helichrysum italicum flowers collected in \
            Herzegovina, standardised to arzanol and italidiones and formulated as a 2% oleogel. \
            It inhibits COX-2 and 5-LOX in vitro, reduced paw oedema in rats as much as a 1% \
            diclofenac gel, and passed skin-irritation testing on reconstructed human epidermis. \
            Offered for licensing to cosmetic and OTC pharmaceutical manufacturers in the region.",
        field: F::TraditionalMedicine,
        trl: 5,
        stage: S::Marketing,
        visibility: Public,
        regulatory_class: None,
        clinical_stage: Preclinical,
        keywords: &[
            "Helichrysum italicum",
            "immortelle",
            "medicinal plants",
            "arzanol",
            "anti-inflammatory",
            "supercritical CO2 extraction",
            "topical",
        ],
        disclosed_on: date(2025, 6, 10),
        translations: &[
            (
                "sr-latn",
                "Standardizovani ekstrakt smilja (Helichrysum italicum) za lokalnu \
                 antiinflamatornu primjenu",
                "Ekstrakt cvijeta smilja sakupljenog u Hercegovini, dobijen superkritičnim CO2 i \
                 standardizovan na arzanol i italidione, formulisan kao oleogel od 2%. In vitro \
                 inhibira COX-2 i 5-LOX, kod pacova je smanjio edem šape jednako kao gel sa 1% \
                 diklofenaka i prošao je test iritacije na rekonstruisanoj ljudskoj epidermi. \
                 Nudi se za licenciranje proizvođačima kozmetike i bezreceptnih lijekova u \
                 regionu.",
            ),
            (
                "sr-cyrl",
                "Стандардизовани екстракт смиља (Helichrysum italicum) за локалну \
                 антиинфламаторну примјену",
                "Екстракт цвијета смиља сакупљеног у Херцеговини, добијен суперкритичним CO2 и \
                 стандардизован на арзанол и италидионе, формулисан као олеогел од 2%. In vitro \
                 инхибира COX-2 и 5-LOX, код пацова је смањио едем шапе једнако као гел са 1% \
                 диклофенака и прошао је тест иритације на реконструисаној људској епидерми. \
                 Нуди се за лиценцирање произвођачима козметике и безрецептних лијекова у \
                 региону.",
            ),
            (
                "bs",
                "Standardizirani ekstrakt smilja (Helichrysum italicum) za lokalnu protuupalnu \
                 njegu",
                "Ekstrakt cvijeta smilja ubranog u Hercegovini, dobiven superkritičnim CO2 i \
                 standardiziran na arzanol i italidione, formuliran kao oleogel od 2%. In vitro \
                 inhibira COX-2 i 5-LOX, kod štakora je smanjio edem šape jednako kao gel s 1% \
                 diklofenaka i prošao je test iritacije na rekonstruiranoj ljudskoj epidermi. \
                 Nudi se za licenciranje proizvođačima kozmetike i bezreceptnih lijekova u \
                 regiji.",
            ),
        ],
        inventors: &[("goran.topic", 6000), ("milana.saric", 4000)],
    },
    TechRow {
        reference: "FUDAN-2025-001",
        owner: "fudan",
        title: "Astragaloside IV derivative AS-IV-7 for idiopathic pulmonary fibrosis",
        summary: "A semi-synthetic derivative of astragaloside IV, the main saponin of Astragalus \
            membranaceus (Huangqi), with ten-fold better oral bioavailability than the parent \
            compound. AS-IV-7 attenuated bleomycin-induced lung fibrosis in mice at 10 mg/kg by \
            inhibiting NOX4-derived oxidative stress and myofibroblast differentiation, \
            comparably to pirfenidone at 100 mg/kg. IND-enabling toxicology is planned for 2026.",
        field: F::Therapeutics,
        trl: 4,
        stage: S::Marketing,
        visibility: Consortium,
        regulatory_class: None,
        clinical_stage: Preclinical,
        keywords: &[
            "idiopathic pulmonary fibrosis",
            "astragaloside IV",
            "Astragalus membranaceus",
            "traditional Chinese medicine",
            "anti-fibrotic",
            "small molecule",
        ],
        disclosed_on: date(2025, 5, 19),
        translations: &[(
            "zh",
            "用于特发性肺纤维化的黄芪甲苷衍生物AS-IV-7",
            "黄芪主要皂苷成分黄芪甲苷的半合成衍生物，口服生物利用度较母体化合物提高十倍。\
             AS-IV-7以10 mg/kg剂量通过抑制NOX4来源的氧化应激和肌成纤维细胞分化，\
             减轻博来霉素诱导的小鼠肺纤维化，效果与100 mg/kg吡非尼酮相当。\
             计划于2026年开展支持IND申报的毒理学研究。",
        )],
        inventors: &[("xu.jianguo", 10000)],
    },
    TechRow {
        reference: "FUDAN-2025-002",
        owner: "fudan",
        title: "Smartphone AI screening for atrial fibrillation and other arrhythmias from \
            single-lead ECG",
        summary: "A mobile app and cloud service that classify 30-second single-lead ECG \
            recordings from consumer wearables into sinus rhythm, atrial fibrillation, atrial \
            flutter, premature beats and unreadable, with a convolutional neural network trained \
            on 1.2 million annotated recordings from Zhongshan Hospital. Sensitivity 97.8% and \
            specificity 98.4% for atrial fibrillation in a prospective multicentre validation \
            that included 1,150 recordings from the University Hospital Centre Zagreb.",
        field: F::DigitalHealth,
        trl: 7,
        stage: S::Licensed,
        visibility: Public,
        regulatory_class: Some(RegulatoryClass::NmpaIi),
        clinical_stage: NotApplicable,
        keywords: &[
            "atrial fibrillation",
            "electrocardiogram",
            "deep learning",
            "arrhythmia screening",
            "mobile health",
            "wearables",
        ],
        disclosed_on: date(2025, 2, 11),
        translations: &[(
            "zh",
            "基于单导联心电图的智能手机AI房颤及心律失常筛查",
            "一款移动应用及云服务，利用在复旦大学附属中山医院120万条标注记录上训练的卷积神经网络，\
             将消费级可穿戴设备采集的30秒单导联心电图分为窦性心律、心房颤动、心房扑动、早搏和\
             “无法判读”。在前瞻性多中心验证（含萨格勒布大学医院中心的1150条记录）中，\
             房颤识别灵敏度为97.8%，特异度为98.4%。",
        )],
        inventors: &[("huang.yan", 8000), ("ana.horvat", 2000)],
    },
    TechRow {
        reference: "ZJU-2025-001",
        owner: "zju",
        title: "3D-printed gradient-porosity β-TCP/PCL scaffold for critical-size bone defects",
        summary: "Patient-specific scaffolds printed from polycaprolactone and β-tricalcium \
            phosphate by melt electrowriting and extrusion, with pores graded from 300 µm \
            (cortical) to 600 µm (cancellous) and a strontium-doped surface that promotes \
            osteogenesis. In a sheep tibial critical-size defect the scaffold bridged the gap \
            with new bone at 6 months (bone volume fraction 41% against 23% for an ungraded \
            control). Designed from CT data in under 48 hours.",
        field: F::Biomaterials,
        trl: 5,
        stage: S::Marketing,
        visibility: Public,
        regulatory_class: Some(RegulatoryClass::NmpaIii),
        clinical_stage: Preclinical,
        keywords: &[
            "3D printing",
            "bone scaffold",
            "tissue engineering",
            "beta-tricalcium phosphate",
            "polycaprolactone",
            "bone regeneration",
            "patient-specific implants",
        ],
        disclosed_on: date(2025, 1, 8),
        translations: &[(
            "zh",
            "用于临界尺寸骨缺损的3D打印梯度孔隙β-磷酸三钙/聚己内酯支架",
            "以聚己内酯和β-磷酸三钙为原料，通过熔融电写与挤出打印的个性化支架，\
             孔径从皮质区300微米梯度过渡到松质区600微米，并以掺锶表面促进成骨。\
             在绵羊胫骨临界尺寸骨缺损模型中，支架于6个月时以新生骨桥接缺损\
             （骨体积分数41%，非梯度对照组为23%）。可在48小时内根据CT数据完成设计。",
        )],
        inventors: &[("lin.feng", 6000), ("ma.xiaoli", 4000)],
    },
    TechRow {
        reference: "ZJU-2025-002",
        owner: "zju",
        title: "CRISPR-Cas12a paper strip for hepatitis B virus DNA at the point of care",
        summary: "Recombinase polymerase amplification coupled with Cas12a trans-cleavage on a \
            lateral-flow paper strip detects HBV DNA down to 10 copies per reaction in 35 \
            minutes at 39 °C, with lyophilised reagents stable at room temperature. Intended for \
            screening and treatment monitoring in community health centres; proof of principle \
            on spiked serum only.",
        field: F::Diagnostics,
        trl: 2,
        stage: S::Disclosed,
        visibility: Confidential,
        regulatory_class: None,
        clinical_stage: NotApplicable,
        keywords: &[
            "CRISPR",
            "Cas12a",
            "hepatitis B",
            "nucleic acid detection",
            "lateral flow",
            "isothermal amplification",
        ],
        disclosed_on: date(2025, 11, 20),
        translations: &[(
            "zh",
            "用于床旁检测乙型肝炎病毒DNA的CRISPR-Cas12a试纸条",
            "将重组酶聚合酶扩增与Cas12a反式切割结合于侧向层析试纸条上，39 °C下35分钟内\
             可检出低至每反应10拷贝的HBV DNA，冻干试剂可室温保存。面向社区卫生服务中心的\
             筛查与治疗监测；目前仅在加标血清上完成原理验证。",
        )],
        inventors: &[("ma.xiaoli", 10000)],
    },
    TechRow {
        reference: "BG-2025-001",
        owner: "bg",
        title: "Nanostructured lipid carriers of St John's wort extract for burn wound healing",
        summary: "Nanostructured lipid carriers of about 180 nm loaded with a hyperforin-rich \
            Hypericum perforatum extract from wild Serbian populations, incorporated in a \
            thermosensitive poloxamer gel. The carriers protect the light- and oxygen-sensitive \
            hyperforin, increase its deposition in the skin fourfold and accelerated the \
            re-epithelialisation of second-degree burns in rats compared with silver \
            sulfadiazine.",
        field: F::TraditionalMedicine,
        trl: 3,
        stage: S::Assessment,
        visibility: Consortium,
        regulatory_class: None,
        clinical_stage: Preclinical,
        keywords: &[
            "Hypericum perforatum",
            "St John's wort",
            "hyperforin",
            "nanostructured lipid carriers",
            "burns",
            "wound healing",
            "medicinal plants",
        ],
        disclosed_on: date(2025, 7, 3),
        translations: &[
            (
                "sr-latn",
                "Nanostrukturisani lipidni nosači ekstrakta kantariona za zarastanje opekotina",
                "Nanostrukturisani lipidni nosači veličine oko 180 nm sa ekstraktom kantariona \
             (Hypericum perforatum) bogatim hiperforinom, iz samoniklih populacija u Srbiji, \
             ugrađeni u termosenzitivni poloksamerski gel. Nosači štite hiperforin osetljiv na \
             svetlost i kiseonik, četiri puta povećavaju njegovo zadržavanje u koži i ubrzali su \
             reepitelizaciju opekotina drugog stepena kod pacova u poređenju sa \
             srebro-sulfadiazinom.",
            ),
            (
                "sr-cyrl",
                "Наноструктурисани липидни носачи екстракта кантариона за зарастање опекотина",
                "Наноструктурисани липидни носачи величине око 180 nm са екстрактом кантариона \
             (Hypericum perforatum) богатим хиперфорином, из самониклих популација у Србији, \
             уграђени у термосензитивни полоксамерски гел. Носачи штите хиперфорин осетљив на \
             светлост и кисеоник, четири пута повећавају његово задржавање у кожи и убрзали су \
             реепителизацију опекотина другог степена код пацова у поређењу са \
             сребро-сулфадиазином.",
            ),
        ],
        inventors: &[("ivana.stankovic", 7000), ("marko.nikolic", 3000)],
    },
    TechRow {
        reference: "UNIZG-2025-001",
        owner: "unizg",
        title: "Aptamer lateral-flow test for salivary cortisol in stress and adrenal disorders",
        summary: "A competitive lateral-flow assay that uses a DNA aptamer instead of antibodies \
            measures free cortisol in 200 µL of saliva within 10 minutes, read quantitatively \
            with a smartphone camera (1–100 nmol/L). It correlated with LC-MS/MS at r = 0.94 on \
            120 samples from the University Hospital Centre Zagreb. Aimed at home monitoring of \
            adrenal insufficiency and at occupational stress studies.",
        field: F::Diagnostics,
        trl: 4,
        stage: S::Protection,
        visibility: Confidential,
        regulatory_class: None,
        clinical_stage: NotApplicable,
        keywords: &[
            "cortisol",
            "saliva",
            "aptamer",
            "lateral flow assay",
            "adrenal insufficiency",
            "smartphone readout",
        ],
        disclosed_on: date(2025, 8, 28),
        translations: &[(
            "hr",
            "Aptamerski test lateralnog protoka za kortizol u slini kod stresa i bolesti \
             nadbubrežne žlijezde",
            "Kompetitivni test lateralnog protoka koji umjesto protutijela koristi DNA aptamer \
             mjeri slobodni kortizol u 200 µL sline unutar 10 minuta, uz kvantitativno očitanje \
             kamerom pametnog telefona (1–100 nmol/L). Korelacija s LC-MS/MS iznosila je \
             r = 0,94 na 120 uzoraka iz Kliničkog bolničkog centra Zagreb. Namijenjen je kućnom \
             praćenju insuficijencije nadbubrežne žlijezde i istraživanjima profesionalnog stresa.",
        )],
        inventors: &[("luka.babic", 6000), ("petra.juric", 4000)],
    },
];

pub(super) async fn load(ctx: &mut Ctx<'_>, rows: &[TechRow]) -> anyhow::Result<()> {
    let now = ctx.now;
    let (mut techs, mut translations, mut inventors) = (Vec::new(), Vec::new(), Vec::new());
    for t in rows {
        let id = Uuid::now_v7();
        ctx.technologies.insert(t.reference, id);
        let keywords: Vec<String> = t.keywords.iter().map(|k| k.to_string()).collect();
        let search_text = crate::service::technology::search_text(
            t.title,
            t.summary,
            &keywords,
            t.translations
                .iter()
                .map(|&(_, title, summary)| (title, summary)),
        );
        techs.push(technology::ActiveModel {
            id: Set(id),
            owner_id: Set(ctx.institution(t.owner)?),
            reference: Set(t.reference.to_owned()),
            title: Set(t.title.to_owned()),
            summary: Set(t.summary.to_owned()),
            field: Set(t.field),
            trl: Set(t.trl),
            stage: Set(t.stage),
            visibility: Set(t.visibility),
            regulatory_class: Set(t.regulatory_class),
            clinical_stage: Set(t.clinical_stage),
            keywords: Set(tags(t.keywords)),
            search_text: Set(search_text),
            disclosed_on: Set(t.disclosed_on),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        });
        for &(lang, title, summary) in t.translations {
            translations.push(technology_translation::ActiveModel {
                id: Set(Uuid::now_v7()),
                technology_id: Set(id),
                lang: Set(lang.to_owned()),
                title: Set(title.to_owned()),
                summary: Set(summary.to_owned()),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            });
        }
        let total: i32 = t.inventors.iter().map(|&(_, bp)| bp).sum();
        anyhow::ensure!(
            total == 10_000,
            "inventor shares of {} sum to {total}",
            t.reference
        );
        for &(person, share_bp) in t.inventors {
            inventors.push(technology_inventor::ActiveModel {
                id: Set(Uuid::now_v7()),
                technology_id: Set(id),
                person_id: Set(ctx.person(person)?),
                share_bp: Set(share_bp),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            });
        }
    }
    technology::Entity::insert_many(techs)
        .exec_without_returning(ctx.txn)
        .await?;
    if !translations.is_empty() {
        technology_translation::Entity::insert_many(translations)
            .exec_without_returning(ctx.txn)
            .await?;
    }
    technology_inventor::Entity::insert_many(inventors)
        .exec_without_returning(ctx.txn)
        .await?;
    Ok(())
}
