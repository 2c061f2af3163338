// What the lead school's teachers put in each subject's 预习包 handout (demo text, in Chinese, full-width punctuation).
import type { Handout } from './demo-pdf.ts';

export const demoHandouts: Record<string, Handout> = {
  数学: {
    title: '数学预习讲义：有理数的运算',
    sections: [
      { heading: '一、学习目标', lines: ['理解有理数的加法法则，会进行有理数的加减运算。'] },
      { heading: '二、知识要点', lines: ['同号两数相加，取相同的符号，并把绝对值相加。', '异号两数相加，取绝对值较大的加数的符号，并用较大的绝对值减去较小的绝对值。', '例：（−3）＋ 5 ＝ 2；（−3）＋（−5）＝ −8。'] },
      { heading: '三、课前练习', lines: ['1．（−7）＋ 4 ＝ ？', '2．0.4 × 0.5 ＝ ？', '3．解方程：2x ＋ 3 ＝ 11。'] },
      { heading: '四、准备', lines: ['课前读完课本第 12～15 页，带好练习本和直尺。'] },
    ],
  },
  语文: {
    title: '语文预习讲义：朱自清《春》',
    sections: [
      { heading: '一、作者简介', lines: ['朱自清，现代散文家、诗人、学者，代表作有《背影》《荷塘月色》。'] },
      { heading: '二、朗读与圈画', lines: ['有感情地朗读课文两遍，圈出描写春草、春花、春风、春雨的句子。', '查字典，给“酝酿、嘹亮、抖擞”注音。'] },
      { heading: '三、思考', lines: ['“盼望着，盼望着”运用了什么修辞？表达了作者怎样的心情？', '课文最后三段把春天比作什么？'] },
    ],
  },
  英语: {
    title: '英语预习讲义：Unit 1 My name is Gina',
    sections: [
      { heading: '一、单词', lines: ['name（名字）、nice（令人愉快的）、meet（遇见）、first name（名）、last name（姓）。'] },
      { heading: '二、句型', lines: ['— What’s your name? — My name is Gina.', '— Nice to meet you! — Nice to meet you, too.'] },
      { heading: '三、课前任务', lines: ['用英语向同桌介绍自己，写下三句话。'] },
    ],
  },
  生物: {
    title: '生物预习讲义：观察细胞结构',
    sections: [
      { heading: '一、学习目标', lines: ['认识显微镜的结构，学会制作临时装片。'] },
      { heading: '二、知识要点', lines: ['植物细胞有细胞壁、细胞膜、细胞质、细胞核，常有叶绿体和液泡。', '动物细胞没有细胞壁。'] },
      { heading: '三、课前准备', lines: ['观察洋葱鳞片叶，想一想：为什么要撕取内表皮？'] },
    ],
  },
  历史: {
    title: '历史预习讲义：中国境内早期人类',
    sections: [
      { heading: '一、知识要点', lines: ['元谋人是我国境内目前已确认的最早的古人类。', '北京人会使用天然火，过着群居生活。'] },
      { heading: '二、思考', lines: ['北京人使用火有什么意义？'] },
    ],
  },
  科学: {
    title: '科学预习讲义：种子发芽实验',
    sections: [
      { heading: '一、实验问题', lines: ['种子发芽需要哪些条件？水、空气、适宜的温度，还有阳光吗？'] },
      { heading: '二、实验准备', lines: ['绿豆种子 20 粒，纸巾，两个盘子。', '一个盘子放在阳光下，一个放在暗处；其他条件相同。'] },
      { heading: '三、记录', lines: ['每天观察并记录发芽的种子数，连续记录 5 天。'] },
    ],
  },
};
