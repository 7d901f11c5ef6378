"""Registry entries for the findings raised while reading documents.

Readers, layout parsers, normalisation and the build report only what they could not
read, recognise, align or place, and what they could not tell about a unit. Every id
they emit must be registered (:mod:`etl.validate.registry`) before a
:class:`etl.model.Check` can carry it, so this module lists them with the level the
code raises them at and a Chinese title and description for the data-quality page.
Comparisons made on the structured model are registered in ``specs_checks``.
"""

from __future__ import annotations

from etl.validate.spec import CheckSpec


def _reading(check_id: str, severity: str, title: str, description: str) -> CheckSpec:
    return CheckSpec(check_id, "reading", severity, title, description)


def _units(check_id: str, severity: str, title: str, description: str) -> CheckSpec:
    return CheckSpec(check_id, "units", severity, title, description)


READING: tuple[CheckSpec, ...] = (
    _reading(
        "blank_cells_from_spacing",
        "info",
        "按空格对齐空白单元格",
        "行内数字少于栏目数，已按原文空格位置推定空白单元格并对齐",
    ),
    _reading(
        "cell_not_understood", "error", "单元格内容不是金额", "金额栏中的内容无法读作金额，该单元格未读入"
    ),
    _reading(
        "figure_outside_columns",
        "error",
        "数字不在表头栏目下",
        "该行印出的列数多于表头，多出的数字无法对应到栏目，未读入",
    ),
    _reading(
        "code_not_understood", "error", "科目编码无法识别", "所印科目编码不是有效的功能或经济分类编码，未读入"
    ),
    _reading(
        "code_printed_short", "warning", "科目编码少印一位", "款或项编码少印一位，已按推定的完整编码读入"
    ),
    _reading(
        "declaration_amount_unreadable",
        "warning",
        "申报表金额无法读取",
        "绩效目标申报表中的资金数无法读作金额",
    ),
    _reading(
        "declaration_annual_amount_missing",
        "warning",
        "未读到年度资金申请总额",
        "绩效目标申报表中未能读出本年度资金申请总额",
    ),
    _reading(
        "declaration_form_unreadable",
        "error",
        "绩效目标表未能读取",
        "绩效目标表缺项目名称、指标或可读表格，该表未读入",
    ),
    _reading(
        "declaration_form_empty",
        "info",
        "绩效目标表是空表",
        "绩效目标表没有填写任何指标和金额（空白模板），未作为项目读入",
    ),
    _reading(
        "declaration_outside_shanghai", "info", "申报表不属上海市区", "申报表属于上海以外的地区，区县留空"
    ),
    _reading(
        "declaration_unread_text", "info", "指标表中有未读文字", "指标表中有单独一行文字，未作为指标读取"
    ),
    _reading(
        "self_eval_form_empty",
        "info",
        "绩效自评表是空表",
        "绩效自评表没有填写任何资金数和指标（空白模板），未作为项目读入",
    ),
    _reading(
        "declaration_year_missing",
        "info",
        "申报表未印年度",
        "申报表和文件封面均未写明年度：年度取指标值共同写明的年份，没有则留空",
    ),
    _reading(
        "duplicate_rendering_differs",
        "warning",
        "同一自评表两份不一致",
        "同一张自评表并排印了两份且内容不同，采用左侧一份",
    ),
    _reading(
        "duplicate_rendering_identical",
        "info",
        "同一自评表重复印出",
        "同一张自评表并排印了两份且内容一致，只保留一份",
    ),
    _reading("file_truncated", "error", "文件不完整", "文件末尾有不完整的字符，文件可能被截断"),
    _reading("file_unreadable", "error", "文件无法读取", "文件无法打开或解码，全部内容未读入"),
    _reading("funds_row_unaligned", "warning", "资金行未能对齐到列", "自评表资金行的数字无法与表头栏目对齐"),
    _reading("funds_total_missing", "warning", "缺年度资金总额行", "自评表中没有可读的“年度资金总额”行"),
    _reading(
        "glued_funds_total_ambiguous",
        "warning",
        "粘连资金总额无法拆分",
        "粘连版式的年度资金总额数字连在一起，无法无歧义拆分，留空",
    ),
    _reading(
        "glued_funds_total_missing",
        "warning",
        "粘连表缺年度资金总额",
        "粘连版式自评表中找不到年度资金总额行或其数字",
    ),
    _reading(
        "glued_name_wrapped", "info", "项目名称折行已合并", "粘连版式中项目名称折行，已将下一行接入名称"
    ),
    _reading(
        "glued_rendering_present",
        "info",
        "有粘连版式自评表",
        "文字粘连的自评表只读取名称、单位、资金总额和总分",
    ),
    _reading("glued_total_missing", "warning", "粘连表缺总分", "粘连版式自评表没有“总分：”行，总分留空"),
    _reading(
        "glued_total_multiple", "warning", "粘连表有多个总分行", "粘连版式自评表前有多个总分行，取最后一个"
    ),
    _reading(
        "glued_unit_not_read",
        "info",
        "实施单位未能分出",
        "主管部门行文字粘连，无法分出实施单位，实施单位留空",
    ),
    _reading(
        "goal_cells_extra", "warning", "年度目标区文字过多", "自评表年度总体目标区超过两段文字，只取前两段"
    ),
    _reading(
        "header_measure_unknown", "info", "栏目不在模板词表", "表头栏目名不在模板词表中，按原文栏目名读入"
    ),
    _reading(
        "header_not_understood", "error", "表头无法识别", "表头中找不到编码、名称或数字栏目，该表数字未读入"
    ),
    _reading("header_unknown_words", "info", "表头有未识别文字", "表头中有未识别的文字，其余栏目已识别"),
    _reading(
        "indicator_header_missing", "warning", "指标行前缺表头", "自评表指标行之前没有“三级指标”等指标表头"
    ),
    _reading(
        "indicator_label_row_unused",
        "info",
        "层级标签行未被沿用",
        "某行只印了指标层级标签，其后没有指标行沿用",
    ),
    _reading("indicator_label_unknown", "info", "指标层级标签未知", "指标层级标签不在词表中，按二级指标处理"),
    _reading(
        "indicator_labels_extra",
        "warning",
        "一行层级标签过多",
        "一行印有两个以上层级标签，取最后两个作一级、二级指标",
    ),
    _reading(
        "indicator_level_conflict",
        "info",
        "指标层级与词表不符",
        "二级指标印在词表所列以外的一级指标之下，按原文记录",
    ),
    _reading(
        "indicator_name_wrapped",
        "info",
        "指标名称折行已合并",
        "某行文字接在上一行指标名称之后，已合为一个名称",
    ),
    _reading(
        "indicator_row_extra_cells",
        "warning",
        "指标行得分后有多余格",
        "指标得分之后另有单元格，已合并作为偏差原因",
    ),
    _reading("indicator_row_unparsed", "warning", "指标行无法读取", "自评表中一行无法按指标行的栏目读出"),
    _reading(
        "indicator_value_missing",
        "warning",
        "指标值未读出",
        "指标未印或无法区分年度指标值与实际完成值，两者留空",
    ),
    _reading("indicators_missing", "warning", "自评表无指标行", "自评表中没有可读的绩效指标行"),
    _reading(
        "item_label_repeated",
        "info",
        "同名项目印了两行",
        "表中同一项目名称印了两行（后者多为明细），两行都保留",
    ),
    _reading(
        "layout_unknown",
        "error",
        "未识别出已知版式",
        "文件中没有决算表、预算表、自评表或申报表等已知表格，未读入",
    ),
    _reading(
        "meta_department_missing",
        "warning",
        "未找到部门名称",
        "标题、概况和表单“主管部门”栏都没有给出部门名称",
    ),
    _reading(
        "meta_district_missing", "warning", "未找到所属区", "标题、概况和表单“主管部门”栏都没有给出所属区"
    ),
    _reading(
        "meta_year_missing", "warning", "未找到预算年度", "标题、概况和表单“主管部门”栏都没有给出预算年度"
    ),
    _reading(
        "name_continuation_after_figures",
        "info",
        "名称在数字后续印",
        "行名称在数字之后的一行续印，已接回原名称",
    ),
    _reading(
        "narrative_item_incomplete", "warning", "说明事项金额未读全", "说明中某项具体情况未能读出全部金额"
    ),
    _reading(
        "orphan_indicator_rows",
        "warning",
        "指标行不属于任何表",
        "指标行印在总分之后、下一张自评表之前，未计入任何项目",
    ),
    _reading("page_no_text_layer", "warning", "页面没有文字层", "该页是扫描图片，没有文字层，内容未读入"),
    _reading("page_unreadable", "error", "页面无法读取", "页面或工作表无法读取或过大，其表格和文字缺失"),
    _reading("parser_failed", "error", "版式解析出错", "某一版式的解析程序出错，该版式的数据未读入"),
    _reading(
        "project_name_extra_cells",
        "warning",
        "项目名称行有多余格",
        "项目名称行有多个单元格，取第一个作项目名称",
    ),
    _reading(
        "project_name_missing", "error", "自评表缺项目名称", "绩效自评表没有可读的项目名称，整张表未读入"
    ),
    _reading(
        "qingpu_amount_unreadable",
        "error",
        "自评表金额无法读取",
        "自评表中金额或预算执行率无法读作数字，未读入",
    ),
    _reading(
        "qingpu_category_unknown", "warning", "经常性项目栏不明", "“是否为经常性项目”栏印的不是“是”或“否”"
    ),
    _reading(
        "qingpu_explanation_unrecognised",
        "info",
        "指标解释写法不常见",
        "指标解释开头与常见写法不同，可能缺字，已按标准名称拆分",
    ),
    _reading(
        "qingpu_field_missing",
        "warning",
        "自评表栏目缺失或为空",
        "自评表未找到某栏，或项目名称、绩效等级为空",
    ),
    _reading("qingpu_grade_unknown", "warning", "绩效等级不是已知等级", "绩效等级所印文字不是已知的等级"),
    _reading(
        "qingpu_indicator_name_missing",
        "warning",
        "评分行缺指标名称",
        "评分表中有权重和自评分但没有指标名称的行",
    ),
    _reading(
        "qingpu_indicator_table_missing", "warning", "未找到评分表", "自评表中未找到按一级指标分段的评分表"
    ),
    _reading(
        "qingpu_remark_or_name_ambiguous",
        "warning",
        "备注与指标名称难分",
        "文字可能含上一指标的备注，无法分开，已整体作为指标名称",
    ),
    _reading("qingpu_score_missing", "warning", "指标未读到自评分", "评分表中某指标的权重之后未读到自评分"),
    _reading("qingpu_section_empty", "warning", "一级指标下无评分", "某一级指标下未读到任何权重或得分"),
    _reading(
        "qingpu_section_max_missing", "info", "一级指标未印分值", "一级指标名称后未印分值，如“（36分）”"
    ),
    _reading(
        "qingpu_single_number_row",
        "warning",
        "评分行只有一个数",
        "评分行只印一个数，无法判断是权重还是自评分，按自评分记",
    ),
    _reading("qingpu_text_unplaced", "warning", "评分表文字无法归属", "评分表中有文字无法归属到任何指标"),
    _reading("qingpu_total_missing", "warning", "评分表缺合计行", "评分表中未找到“合计”行"),
    _reading(
        "qingpu_total_unreadable", "warning", "合计行数字未读出", "“合计”行应印满分与自评总分两个数，未能读出"
    ),
    _reading(
        "qingpu_trailing_text_ambiguous",
        "warning",
        "段末文字归属不明",
        "一级指标末尾文字可能是未打分指标名，已作为上一指标备注",
    ),
    _reading(
        "rendering_differs",
        "info",
        "粘连与完整版式不一致",
        "同一项目的粘连版式与完整版式内容不同，采用完整版式",
    ),
    _reading(
        "rendering_duplicate",
        "info",
        "粘连版式重复出现",
        "同一项目在粘连版式中重复出现，内容一致，只保留一份",
    ),
    _reading(
        "rendering_only_glued",
        "warning",
        "项目只有粘连版式",
        "项目只在粘连版式中出现，无完整版式对照，指标可能不全",
    ),
    _reading("row_column_mismatch", "warning", "行内数字与栏目数不符", "表中一行所印数字个数与表头栏数不同"),
    _reading(
        "row_not_aligned", "error", "行未能对齐到列", "行内数字或指标无法唯一对应到表头栏目，该行未采用"
    ),
    _reading("row_not_placed", "error", "行未能归入科目", "无法确定该行属于哪个科目或编码栏次序错乱，未读入"),
    _reading(
        "rows_outside_page",
        "warning",
        "表格行在页面以外",
        "表格有若干行排在页面边缘以外，显示和打印时看不到，未读入",
    ),
    _reading("score_total_unparsed", "warning", "总分无法读出", "自评表总分行所印内容无法读出总分"),
    _reading(
        "self_eval_total_missing", "warning", "自评表缺总分行", "自评表没有总分行（表格中断），总分留空"
    ),
    _reading("statement_not_parsed", "info", "报表不在解析范围", "该决算报表不在解析范围内，未读取"),
    _reading("table_continued", "info", "续表按同表读取", "报表在重复标题后续印，按同一张表读取"),
    _reading("table_not_read", "error", "表格未能读取", "页面有表格标题，但其下没有可读的表格，该表未读入"),
    _reading(
        "table_not_recognised", "info", "表格不在已知报表内", "表格标题不在已知的部门决算表之列，数字未读取"
    ),
    _reading(
        "table_unrecognised", "info", "表格未能对应报表", "含数字的表格未能按标题对应到标准报表，未读入"
    ),
    _reading("table_yielded_nothing", "error", "表格未读出数据行", "表格有数字但没有读出任何数据行"),
    _reading("title_without_table", "info", "标题下没有表格", "表名下没有表格内容，可能是目录或正文中的表名"),
    _reading(
        "total_label_nonstandard",
        "info",
        "合计行标签不规范",
        "合计行标签与标准写法不同，按合计行读取，名称保留原文",
    ),
    _reading("unassigned_figures", "warning", "数字不属于任何行", "表中有数字无法归到任何一行，未采用"),
    _reading(
        "unit_name_completed", "info", "单位名称已补全", "实施单位名称被截断，已按本文件所列单位名称补全"
    ),
    _reading(
        "cell_formula_without_value",
        "error",
        "公式未保存计算结果",
        "工作表中的公式单元格没有保存计算结果，该值未读入；在表格软件中打开并保存后再导入即可读入",
    ),
    _reading(
        "cell_external_formula_without_value",
        "error",
        "引用外部工作簿的公式无值",
        "公式引用其他工作簿且文件中没有保存计算结果，该值未读入；需更新链接或将公式转为数值后再导入",
    ),
)

UNITS: tuple[CheckSpec, ...] = (
    _units("amount_precision", "warning", "金额换算后不足一分", "金额换算为元后不足一分，已四舍五入到分"),
    _units("amount_unit_missing", "warning", "资金表头未注明单位", "自评表项目资金表头未注明元或万元"),
    _units(
        "declaration_unit_conflict",
        "warning",
        "申报表单位前后矛盾",
        "申报表资金栏同时注明两种单位，按先出现的单位读入",
    ),
    _units(
        "declaration_unit_doubtful",
        "warning",
        "申报表单位存疑",
        "申报表其他文字显示的金额单位与栏目所注单位不符",
    ),
    _units(
        "declaration_unit_from_text",
        "warning",
        "申报表单位按表内文字判定",
        "申报表资金栏未注明单位，表内文字（如测算依据各项合计）写明的金额与之相符，按该单位读入",
    ),
    _units(
        "declaration_unit_missing",
        "warning",
        "申报表未注明单位",
        "绩效目标申报表资金栏未注明元或万元，金额未换算",
    ),
    _units("qingpu_amount_unit_mixed", "warning", "表头金额单位不一致", "自评表表头各金额栏注明的单位不一致"),
    _units("table_unit_missing", "warning", "单位未标明", "表格未注明金额单位（万元或元），金额未换算"),
    _units(
        "unit_changed_in_continuation",
        "warning",
        "续表单位与前页不同",
        "续表所注单位与前页不同，按前页单位记录",
    ),
    _units("unit_decided", "warning", "金额单位按旁证判定", "表头单位与说明或金额量级不符，已按旁证确定单位"),
    _units("unit_missing", "warning", "未注明金额单位", "报表或项目表头未注明单位，已沿用前文单位或未换算"),
    _units("unit_unknown", "error", "金额单位无法确定", "单位无法识别或无从确定，金额未换算或该表未读取"),
)

SPECS: tuple[CheckSpec, ...] = READING + UNITS
