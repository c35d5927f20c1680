"""Deterministic generator of synthetic news corpora for the scale benchmark (bench/scale.py).

Why: five seed articles cannot show how the pipeline scales, and copies of one article would
give cross-document entity resolution nothing to do. This module writes any number of
different, realistic-looking articles from its own word lists and sentence templates: no
downloads, no network, no real article text, standard library only.

How it works

* Pools. One fixed world is composed from the seed alone (``random.Random(f"{seed}:pools")``):
  20,000 people (first and last names from 15 naming cultures, tied to 67 countries, each
  with a gender, an office such as minister, chief executive, judge, mayor, union leader,
  analyst or ordinary resident, and usually an organisation), 3,000 organisations
  (ministries, companies, NGOs, unions, courts, parties, agencies, banks, universities; mostly
  composed as "<Adj> <Noun> <Kind>", many with an acronym), 1,500 places (67 real countries,
  1,133 real and composed cities and towns, 300 composed regions) and 800 facilities
  (prisons, ports, stadiums, hospitals, bridges, airports, power stations, each with a
  capacity). Surnames repeat across people (690 distinct surnames for 20,000 people), company
  brands across companies and ministry names across countries, as in real news.
* Popularity. Every cast member is drawn with Zipf weights, 1/rank**1.0 over the pool (over
  a country's list for towns and regions), so a few people, organisations and facilities
  recur in hundreds of articles and most in one or two.
* References. A person is introduced by office and full name ("Finance Minister Amara
  Okafor", "Amara Okafor, the chief executive of ...,") and then called "Okafor", "Ms Okafor"
  or "the minister"; a top-ranked person is sometimes named by surname alone from the start,
  relying on other articles to have introduced them. Organisations come with an acronym
  ("the National Grain Council (NGC)") and later appear as the acronym, the brand or "the
  council".
* Templates. Each article has one main event (agreement, proposal, meeting, criticism,
  opening, contract, arrest, deportation, election, resignation) with its own headlines, lead
  and follow-up sentences, then paragraphs from shared templates: quotations (straight or
  curly quotes; "X said", "said X", colon-introduced, fragments, indirect speech), figures
  (amounts in several currencies and notations, capacities, counts of people, percentages),
  dates (absolute "March 3, 2025" / "3 March 2025", relative "on Tuesday", "in October 2018"),
  background, history, reactions, legal steps and next steps: 183 sentence templates
  (``TEMPLATE_COUNT``) besides 35 headline templates, filled with 95 quotations and 19
  indirect-speech clauses. Lines that speak of a plan or a deal are kept out of arrest,
  election and resignation stories. Facts are told once per article (only quotation templates
  are reused), and an article ends at its drawn length or when its facts run out. Spelling
  (US/UK), quote marks (straight/curly), honorifics ("Mr"/"Mr."), percent and date style vary
  by article. Length is drawn from a log-normal (median about 420 words, clipped to
  150..1,400 before boilerplate).

* Boilerplate. About half of the articles carry web clutter, in shapes kg/corpus.py knows
  (bylines with author bios, closing bios, "Advertisement", "Share this article", newsletter
  promotions, image credits, link lines, reader comments) and shapes it may not ("READ ALSO:"
  teasers, photo captions, "Tags:", copyright, "Reporting by ...; Editing by ...", "Listen to
  this article", datelines).
* Layout. The headline is the first line, paragraphs are separated by a blank line, as in
  seeds/*.txt.
* Determinism. Article n depends only on (seed, n): it uses ``random.Random(f"{seed}:{n}")``
  and the shared pools, so corpora nest (the first 100 files of a 10,000-article corpus are
  the 100-article corpus) and articles can be added later with ``start``.

Usage: ``python bench/newsgen.py COUNT OUT_DIR [--seed S] [--start N]``.
"""

from __future__ import annotations

import argparse
import math
import random
import re
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

N_PEOPLE, N_ORGS, N_PLACES, N_FACILITIES = 20_000, 3_000, 1_500, 800
N_REGIONS = 300
ZIPF_S = 1.0


def _w(text: str) -> tuple[str, ...]:
    """Comma-separated word lists keep the data below compact and allow names with spaces."""
    return tuple(dict.fromkeys(x.strip() for x in text.split(",") if x.strip()))


# ------------------------------------------------------------------ naming cultures


@dataclass(frozen=True)
class Culture:
    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[str, ...]
    heads: tuple[str, ...]  # town name parts, joined as written
    tails: tuple[str, ...]
    family_first: bool = False


CULTURES: dict[str, Culture] = {
    "anglo": Culture(
        _w("James, John, Robert, Michael, William, David, Richard, Thomas, Daniel, Matthew, Andrew, "
           "Mark, Paul, Steven, Kevin, Brian, George, Edward, Peter, Simon, Graham, Martin, Neil, "
           "Stuart, Patrick, Gregory, Owen, Nathan, Callum, Henry"),
        _w("Mary, Patricia, Jennifer, Linda, Elizabeth, Susan, Jessica, Sarah, Karen, Emily, Rebecca, "
           "Laura, Rachel, Helen, Catherine, Fiona, Claire, Joanne, Megan, Hannah, Alison, Victoria, "
           "Grace, Julia, Sophie, Lucy, Amanda, Deborah, Kate, Olivia"),
        _w("Smith, Johnson, Williams, Brown, Jones, Miller, Davis, Wilson, Anderson, Taylor, Moore, "
           "Jackson, Thompson, White, Harris, Clark, Lewis, Robinson, Walker, Young, Allen, King, "
           "Wright, Scott, Green, Baker, Adams, Nelson, Hill, Campbell, Mitchell, Roberts, Carter, "
           "Phillips, Evans, Turner, Parker, Collins, Edwards, Stewart, Morris, Murphy, Cook, Rogers, "
           "Morgan, Cooper, Reed, Bailey, Bell, Kelly, Howard, Ward, Richardson, Wood, Watson, "
           "Brooks, Bennett, Gray, Hughes, Price, Fletcher, Harper, Lawson, Holloway, Whitaker"),
        _w("Ash, Bram, Cole, Dun, Elm, Fair, Glen, Hart, Kings, Lang, Mill, North, Oak, Pem, Red, Stan, "
           "Thorn, West, Whit, Wood, Brook, Cal"),
        _w("ford, ton, bury, field, wick, stead, ham, port, bridge, dale, ley, more"),
    ),
    "west_african": Culture(
        _w("Chinedu, Emeka, Oluwaseun, Babatunde, Kwame, Kofi, Yaw, Kwabena, Adebayo, Obinna, Ifeanyi, "
           "Tunde, Segun, Chukwuma, Nnamdi, Femi, Kayode, Ikenna, Uche, Musa, Ibrahim, Abdullahi, "
           "Kojo, Ekow, Nana, Sekou, Olumide, Dapo, Gbenga, Yakubu"),
        _w("Amara, Ngozi, Chiamaka, Adaeze, Folake, Funmilayo, Abena, Akosua, Efua, Ama, Yewande, "
           "Titilayo, Nneka, Ifeoma, Chidinma, Bisola, Zainab, Hauwa, Aisha, Esi, Adjoa, Kemi, Bukola, "
           "Ronke, Oluchi, Ebere, Afia, Dzifa, Halima, Temitope"),
        _w("Okafor, Adeyemi, Okonkwo, Balogun, Mensah, Boateng, Owusu, Asante, Osei, Nwosu, Eze, Obi, "
           "Ogunleye, Afolabi, Oyelaran, Danjuma, Bello, Abubakar, Yusuf, Lawal, Amoah, Agyeman, "
           "Darko, Appiah, Quaye, Tetteh, Addo, Ansah, Frimpong, Nwachukwu, Okeke, Uzoma, Chukwu, "
           "Onyeka, Ekwueme, Adeleke, Oladipo, Ogundipe, Akande, Fashola, Ibekwe, Anyanwu, Odum, Igwe, "
           "Oduya, Sesay, Kamara, Conteh, Bangura, Adebayo"),
        _w("Ako, Ibe, Oba, Ogbo, Asa, Ekpe, Nsu, Ada, Ilo, Ogu, Kwa, Bui"),
        _w("kuta, gun, ra, se, man, do, bo, wa, nta, fo, ri, ja"),
    ),
    "east_african": Culture(
        _w("Kamau, Otieno, Mwangi, Ochieng, Baraka, Juma, Omondi, Kiprop, Njoroge, Mutua, Abebe, "
           "Dawit, Tesfaye, Yohannes, Bekele, Mugisha, Tumwine, Habimana, Emmanuel, Joseph, Samuel, "
           "Moses, Amani, Bakari, Hamisi, Salim, Kipchumba, Wekesa, Barasa, Onesmus"),
        _w("Wanjiru, Akinyi, Achieng, Nyokabi, Wambui, Njeri, Chebet, Jepkosgei, Atieno, Muthoni, "
           "Zawadi, Neema, Rehema, Imani, Amina, Halima, Selam, Meseret, Tigist, Hiwot, Almaz, Nakato, "
           "Namubiru, Auma, Kemunto, Faith, Mercy, Esther, Ruth, Wairimu"),
        _w("Kamau, Otieno, Mwangi, Ochieng, Kiprono, Wekesa, Odhiambo, Njoroge, Mutua, Kariuki, Omondi, "
           "Wafula, Korir, Rotich, Kiplagat, Cheruiyot, Maina, Gitau, Waweru, Onyango, Owino, Kimani, "
           "Mugo, Ndungu, Kirui, Langat, Tanui, Mohamed, Hassan, Abdi, Mengistu, Haile, Tadesse, "
           "Gebremariam, Alemu, Girma, Wolde, Kebede, Mugisha, Nsubuga, Ssempijja, Kato, Okello, "
           "Opio, Ouma, Mbugua, Chege, Nyaga, Kipkemboi, Mwakilema"),
        _w("Kari, Mto, Nya, Ki, Lo, Maku, Ruai, Ngu, Kiru, Ole, Muka, Ithi"),
        _w("ni, wa, ngo, buru, toi, ma, ro, bo, ga, sia, nde, mbe"),
    ),
    "hispanic": Culture(
        _w("José, Juan, Carlos, Luis, Miguel, Jorge, Alejandro, Javier, Fernando, Ricardo, Andrés, "
           "Diego, Eduardo, Rafael, Sergio, Pablo, Héctor, Raúl, Manuel, Francisco, Gustavo, Óscar, "
           "Ernesto, Mauricio, Rodrigo, Felipe, Gabriel, Arturo, Ignacio, Julio"),
        _w("María, Ana, Lucía, Carmen, Sofía, Isabel, Valentina, Gabriela, Daniela, Mariana, Paula, "
           "Camila, Elena, Rosa, Patricia, Claudia, Verónica, Adriana, Beatriz, Lorena, Natalia, "
           "Silvia, Alejandra, Fernanda, Jimena, Marisol, Teresa, Pilar, Inés, Julieta"),
        _w("García, Rodríguez, Martínez, Hernández, López, González, Pérez, Sánchez, Ramírez, Torres, "
           "Flores, Rivera, Gómez, Díaz, Morales, Reyes, Cruz, Ortiz, Gutiérrez, Chávez, Ramos, Ruiz, "
           "Alvarado, Castillo, Jiménez, Moreno, Romero, Herrera, Medina, Aguilar, Vargas, Castro, "
           "Mendoza, Guerrero, Rojas, Navarro, Delgado, Vega, Cabrera, Fuentes, Salazar, Campos, "
           "Escobar, Ibarra, Zamora, Quintero, Benítez, Córdoba, Paredes, Villalobos"),
        _w("Puerto , Villa , Río , Valle , San Isidro , Santa Lucía , Cerro , Nueva Esperanza "),
        _w("del Mar, del Norte, del Sur, de la Cruz, de los Ríos, de Oro, de Piedra, Verde, Grande, "
           "Hermoso"),
    ),
    "lusophone": Culture(
        _w("João, Pedro, Paulo, Tiago, Rafael, Lucas, Gustavo, Marcelo, Rodrigo, Bruno, Fernando, "
           "Ricardo, André, Felipe, Vinícius, Leonardo, Eduardo, Carlos, António, Manuel, Henrique, "
           "Sérgio, Renato, Fábio, Márcio, Diogo, Nuno, Rui, Filipe, Luís"),
        _w("Ana, Maria, Beatriz, Juliana, Fernanda, Camila, Larissa, Mariana, Gabriela, Letícia, "
           "Patrícia, Renata, Luíza, Carolina, Inês, Joana, Raquel, Sofia, Teresa, Helena, Cláudia, "
           "Marta, Rita, Catarina, Vanessa, Adriana, Tatiana, Simone, Débora, Aline"),
        _w("Silva, Santos, Oliveira, Souza, Pereira, Costa, Rodrigues, Almeida, Nascimento, Lima, "
           "Araújo, Fernandes, Carvalho, Gomes, Martins, Rocha, Ribeiro, Alves, Monteiro, Mendes, "
           "Barros, Freitas, Barbosa, Pinto, Moura, Cavalcanti, Dias, Castro, Campos, Cardoso, "
           "Teixeira, Vieira, Correia, Nunes, Machado, Lopes, Moreira, Marques, Ferraz, Siqueira, "
           "Tavares, Bastos, Macedo, Azevedo, Sampaio, Guimarães, Cunha, Loureiro, Magalhães, Quaresma"),
        _w("Porto , Vila , Rio , Campo , Monte , Ponte , São José , Santa Rita "),
        _w("Alegre, Verde, do Sul, da Serra, Branco, Novo, das Flores, do Mar"),
    ),
    "francophone": Culture(
        _w("Jean, Pierre, Michel, Philippe, Alain, Nicolas, François, Laurent, Olivier, Julien, "
           "Mathieu, Antoine, Thierry, Sébastien, Étienne, Guillaume, Didier, Bernard, Luc, Yves, "
           "Moussa, Ousmane, Abdoulaye, Cheikh, Amadou, Serge, Hervé, Rémi, Benoît, Cédric"),
        _w("Marie, Sophie, Isabelle, Nathalie, Catherine, Camille, Claire, Élodie, Julie, Aurélie, "
           "Céline, Sandrine, Valérie, Chantal, Brigitte, Hélène, Margaux, Léa, Manon, Aminata, Fatou, "
           "Awa, Mariama, Aïssatou, Ndeye, Adèle, Juliette, Mathilde, Geneviève, Odile"),
        _w("Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau, Simon, "
           "Laurent, Lefebvre, Michel, Fournier, Girard, Bonnet, Dupont, Lambert, Fontaine, Rousseau, "
           "Vincent, Lefèvre, Faure, Mercier, Blanc, Guérin, Boyer, Garnier, Chevalier, Gauthier, "
           "Perrin, Morel, Clément, Diallo, Ndiaye, Diop, Fall, Sow, Camara, Traoré, Koné, "
           "Ouattara, Coulibaly, Touré, Kouassi, Yao, Mbarga, Essomba, Nkoulou"),
        _w("Port, Mont, Bois, Beau, Fontaine, Pont, Ville, Roche"),
        _w("-sur-Mer, -le-Haut, -la-Forêt, -les-Bains, -de-Sable, ville, mont, champ"),
    ),
    "german_nordic": Culture(
        _w("Thomas, Andreas, Stefan, Michael, Jens, Lars, Anders, Erik, Henrik, Johan, Nils, Magnus, "
           "Sven, Klaus, Jürgen, Wolfgang, Matthias, Tobias, Florian, Sebastian, Jan, Pieter, Maarten, "
           "Bram, Dirk, Joost, Ole, Bjørn, Kristian, Mikkel"),
        _w("Anna, Katharina, Sabine, Claudia, Julia, Lena, Ingrid, Astrid, Sigrid, Karin, Annika, Elin, "
           "Maja, Freya, Liv, Hanne, Mette, Birgit, Ursula, Monika, Petra, Anke, Sanne, Femke, Marieke, "
           "Lotte, Greta, Ida, Silke, Heike"),
        _w("Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, Hoffmann, Koch, "
           "Richter, Klein, Wolf, Schröder, Neumann, Braun, Zimmermann, Hartmann, Krüger, Lange, "
           "Werner, Krause, Lehmann, Johansson, Andersson, Karlsson, Nilsson, Eriksson, Larsson, "
           "Lindqvist, Berg, Lindgren, Halvorsen, Hansen, Johansen, Pedersen, Nielsen, Jensen, "
           "Christensen, de Vries, van Dijk, Bakker, Visser, Smit, Meijer, de Boer, Mulder, Vos, Dekker"),
        _w("Ahl, Bern, Dorn, Eich, Falk, Grün, Hol, Lin, Stein, Wald, Sand, Lund, Ros"),
        _w("berg, burg, dorf, hausen, feld, stad, vik, holm, by, heim"),
    ),
    "slavic": Culture(
        _w("Piotr, Tomasz, Krzysztof, Marek, Paweł, Andrzej, Jakub, Michał, Oleksandr, Dmytro, Andriy, "
           "Serhiy, Mykola, Vasyl, Ivan, Petr, Jiří, Martin, Tomáš, Lukáš, Milan, Dragan, Nikola, "
           "Stefan, Goran, Zoran, Marko, Luka, Vladimir, Bogdan"),
        _w("Anna, Katarzyna, Magdalena, Agnieszka, Joanna, Małgorzata, Olena, Iryna, Natalia, Oksana, "
           "Tetiana, Yulia, Kateryna, Jana, Petra, Lucie, Tereza, Eva, Marija, Jelena, Ivana, Milica, "
           "Ana, Dragana, Vesna, Zuzana, Aleksandra, Ewa, Monika, Dorota"),
        _w("Nowak, Kowalski, Wiśniewski, Wójcik, Kowalczyk, Kamiński, Lewandowski, Zieliński, "
           "Szymański, Woźniak, Dąbrowski, Kozłowski, Jankowski, Mazur, Krawczyk, Shevchenko, "
           "Kovalenko, Bondarenko, Tkachenko, Kravchenko, Boyko, Melnyk, Oliynyk, Marchenko, Lysenko, "
           "Novák, Svoboda, Novotný, Dvořák, Černý, Procházka, Kučera, Veselý, Horák, Jovanović, "
           "Petrović, Nikolić, Marković, Đorđević, Stojanović, Ilić, Horvat, Kovačević, Babić, Marić, "
           "Jurić, Novak, Knežević, Vuković, Pavlović"),
        _w("Biało, Krasno, Nowo, Staro, Zeleno, Gor, Velik, Dobro, Kameno, Sosno"),
        _w("grad, gorsk, pol, ice, vo, no, va, inka, dol"),
    ),
    "south_asian": Culture(
        _w("Rahul, Amit, Sanjay, Vikram, Arjun, Rajesh, Suresh, Anil, Deepak, Manoj, Ravi, Sunil, "
           "Imran, Ali, Bilal, Farhan, Asif, Tariq, Kamran, Hamid, Rakib, Tanvir, Sajid, Arif, Nimal, "
           "Ruwan, Prakash, Kiran, Nikhil, Rohan"),
        _w("Priya, Anjali, Sunita, Kavita, Pooja, Neha, Deepa, Meera, Lakshmi, Shreya, Ayesha, Fatima, "
           "Sana, Nadia, Hina, Sadia, Nusrat, Farzana, Tahmina, Ruksana, Nirmala, Shanthi, Dilini, "
           "Anusha, Radhika, Divya, Sneha, Swati, Rekha, Asha"),
        _w("Sharma, Patel, Singh, Kumar, Gupta, Reddy, Rao, Nair, Iyer, Menon, Mehta, Shah, Joshi, "
           "Desai, Chatterjee, Banerjee, Mukherjee, Das, Bose, Verma, Malhotra, Kapoor, Chopra, Pillai, "
           "Khan, Ahmed, Qureshi, Siddiqui, Butt, Chaudhry, Malik, Raza, Hussain, Iqbal, Rahman, "
           "Hossain, Islam, Uddin, Chowdhury, Akter, Perera, Fernando, Jayawardena, Wickramasinghe, "
           "Bandara, Dissanayake, Thapa, Shrestha, Gurung, Bhattarai"),
        _w("Ram, Shiv, Hari, Chand, Krishna, Nara, Sur, Kal, Ganga, Deva"),
        _w("pur, nagar, abad, gaon, garh, ganj, kot, wadi"),
    ),
    "japanese": Culture(
        _w("Hiroshi, Takashi, Kenji, Satoshi, Daisuke, Kazuo, Makoto, Takeshi, Hiroki, Shinji, Naoki, "
           "Ryo, Koji, Akira, Masato, Tetsuya, Yusuke, Kenta, Shota, Haruto, Sota, Ren, Hayato, Kaito, "
           "Jun, Tomohiro, Yoshio, Isamu, Osamu, Takumi"),
        _w("Yuko, Keiko, Naoko, Akiko, Emi, Yumi, Mai, Aya, Sakura, Haruka, Misaki, Nanami, Yui, Rina, "
           "Kana, Mika, Chihiro, Ayumi, Megumi, Tomoko, Noriko, Sachiko, Mariko, Eri, Asuka, Hana, "
           "Kaori, Miho, Reiko, Junko"),
        _w("Sato, Suzuki, Takahashi, Tanaka, Watanabe, Ito, Yamamoto, Nakamura, Kobayashi, Kato, "
           "Yoshida, Yamada, Sasaki, Yamaguchi, Matsumoto, Inoue, Kimura, Hayashi, Shimizu, Yamazaki, "
           "Mori, Abe, Ikeda, Hashimoto, Yamashita, Ishikawa, Nakajima, Maeda, Fujita, Ogawa, Goto, "
           "Okada, Hasegawa, Murakami, Kondo, Ishii, Saito, Sakamoto, Endo, Aoki, Fujii, Nishimura, "
           "Fukuda, Ota, Miura, Takeuchi, Nakano, Harada, Matsuda, Ono"),
        _w("Kita, Minami, Higashi, Nishi, Naka, Taka, Kawa, Yama, Matsu, Hana"),
        _w("hara, mura, saki, oka, shima, zawa, ta, no, hama"),
    ),
    "korean": Culture(
        _w("Ji-hoon, Min-jun, Seo-jun, Do-yoon, Hyun-woo, Jae-won, Sung-min, Dong-hyun, Young-ho, "
           "Jin-woo, Sang-hoon, Tae-yang, Joon-ho, Kyung-soo, Woo-jin, Seung-hyun, Jong-min, Chul-soo, "
           "Myung-ho, Hae-il"),
        _w("Ji-yeon, Seo-yeon, Min-ji, Soo-jin, Eun-ji, Hye-jin, Yoo-jin, Ha-eun, Ji-woo, Su-bin, "
           "Mi-kyung, Hyun-jung, Eun-young, Na-young, Jung-eun, Ye-jin, Da-eun, So-yeon, Hee-jin, Bo-ra"),
        _w("Kim, Lee, Park, Choi, Jung, Kang, Cho, Yoon, Jang, Lim, Han, Oh, Seo, Shin, Kwon, Hwang, "
           "Ahn, Song, Yoo, Hong, Jeon, Ko, Moon, Yang, Son, Bae, Baek, Heo, Nam, Noh"),
        _w("Dae, Cheong, Gwang, Seong, Jin, Ha, Mun, Hwa, Yeong, Gyeong"),
        _w("ju, san, won, cheon, pyeong, gang, dong, nam"),
        family_first=True,
    ),
    "arabic": Culture(
        _w("Mohamed, Ahmed, Mahmoud, Omar, Youssef, Khaled, Hassan, Hussein, Ali, Tarek, Karim, Amr, "
           "Walid, Sami, Nabil, Fadi, Rami, Ziad, Bassem, Hisham, Mustafa, Ibrahim, Abdelaziz, "
           "Rachid, Hamza, Anas, Faisal, Saud, Majid, Nasser"),
        _w("Fatima, Aisha, Mariam, Nour, Layla, Yasmin, Rania, Dina, Hala, Salma, Amira, Hiba, Lina, "
           "Reem, Samira, Nadia, Zeinab, Huda, Ghada, Rasha, Soha, Mona, Dalia, Iman, Lubna, Leila, "
           "Asma, Khadija, Sara, Noura"),
        _w("Hassan, Ibrahim, Mahmoud, Abdallah, El-Sayed, Mansour, Khalil, Haddad, Nasser, Saleh, "
           "Farouk, Aziz, Hamdan, Qasim, Rashid, Suleiman, Youssef, Said, Karam, Darwish, Bakri, "
           "El-Masri, Tamimi, Jaber, Shaker, Othman, Najjar, Awad, Barakat, Khoury, Sabbagh, Bennani, "
           "El Amrani, Tazi, Alaoui, Benjelloun, Idrissi, Trabelsi, Gharbi, Jebali, Hamdi, Mejri, "
           "Al-Otaibi, Al-Harbi, Al-Qahtani, Al-Mansoori, Al-Shamsi, Al-Hashimi, Al-Jubouri, Al-Obeidi"),
        _w("Ain , Ras , Bir , Wadi , Tell , Kafr , Deir , Jabal "),
        _w("Hamra, Zahra, Nakhla, Salam, Qamar, Sharq, Khadra, Nour, Safa, Rimal"),
    ),
    "turkish": Culture(
        _w("Mehmet, Mustafa, Ahmet, Ali, Hüseyin, Hasan, İbrahim, Emre, Burak, Murat, Serkan, Kemal, "
           "Cem, Can, Onur, Volkan, Oğuz, Erdem, Tolga, Barış"),
        _w("Ayşe, Fatma, Zeynep, Elif, Emine, Merve, Büşra, Selin, Derya, Esra, Gül, Deniz, Ebru, "
           "Aylin, Sibel, Canan, Pınar, Nilüfer, Tuğba, Özlem"),
        _w("Yılmaz, Kaya, Demir, Şahin, Çelik, Yıldız, Yıldırım, Öztürk, Aydın, Özdemir, Arslan, "
           "Doğan, Kılıç, Aslan, Çetin, Kara, Koç, Kurt, Özkan, Şimşek, Polat, Korkmaz, Aksoy, Güneş, "
           "Tekin, Avcı, Keskin, Uçar, Ünal, Bozkurt"),
        _w("Yeni, Eski, Kara, Ak, Sarı, Kızıl, Göl, Dere, Bağ, Çam"),
        _w("köy, kent, pınar, dere, hisar, ova, tepe, yurt"),
    ),
    "italian_greek": Culture(
        _w("Marco, Luca, Giuseppe, Giovanni, Alessandro, Andrea, Francesco, Matteo, Lorenzo, Stefano, "
           "Paolo, Roberto, Massimo, Davide, Fabio, Giorgos, Nikos, Dimitris, Kostas, Yannis, "
           "Panagiotis, Christos, Vasilis, Stavros, Andreas"),
        _w("Giulia, Francesca, Chiara, Sara, Valentina, Federica, Alessandra, Elena, Silvia, Martina, "
           "Paola, Roberta, Eleni, Maria, Katerina, Sofia, Dimitra, Georgia, Anastasia, Ioanna, "
           "Vasiliki, Despina, Christina, Angeliki, Zoe"),
        _w("Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, Greco, Bruno, "
           "Gallo, Conti, De Luca, Mancini, Costa, Giordano, Rizzo, Lombardi, Moretti, Barbieri, "
           "Fontana, Santoro, Mariani, Rinaldi, Papadopoulos, Georgiou, Nikolaou, Dimitriou, "
           "Konstantinou, Papadakis, Vlachos, Angelopoulos, Karagiannis, Oikonomou, Makris, Pappas, "
           "Antoniou, Christodoulou, Alexiou"),
        _w("Monte, Castel, Borgo, Porto, Villa, Neo, Agio, Palaio"),
        _w("rosso, franco, verde, nuovo, bello, chori, kastro, polis, limani"),
    ),
    "southern_african": Culture(
        _w("Thabo, Sipho, Mandla, Themba, Bongani, Lungile, Sibusiso, Tshepo, Kagiso, Lerato, Tendai, "
           "Farai, Tatenda, Blessing, Kudakwashe, Chipo, Mpho, Lwazi, Ayanda, Vusi"),
        _w("Nomvula, Thandiwe, Zanele, Nokuthula, Palesa, Lindiwe, Naledi, Refilwe, Busisiwe, "
           "Nandi, Rutendo, Nyasha, Tsitsi, Chiedza, Precious, Thando, Khanyisile, Dineo, Lebogang, "
           "Boitumelo"),
        _w("Dlamini, Nkosi, Ndlovu, Khumalo, Mthembu, Zulu, Mokoena, Molefe, Mahlangu, Sithole, "
           "Naidoo, van der Merwe, Botha, Pretorius, Mabuza, Moyo, Ncube, Sibanda, Dube, Mpofu, "
           "Chikwanha, Mutasa, Banda, Phiri, Tembo, Mwale, Zimba, Nyirenda, Mbeki, Radebe"),
        _w("Kwa, Emba, Mazi, Lude, Thaba, Kuru, Inyo, Bela"),
        _w("langa, kazi, nzi, tho, bela, dini, mane, ville"),
    ),
}


# ------------------------------------------------------------------ countries


@dataclass(frozen=True)
class Currency:
    code: str
    symbol: str  # written before the number, with a space where it needs one; "" if none in use
    one: str
    many: str


def _cur(code: str, symbol: str, one: str, many: str = "") -> Currency:
    return Currency(code, symbol, one, many or one + "s")


#: rough units per US dollar, so that a deal costs about the same whichever currency reports it
RATES = {"USD": 1, "EUR": 0.9, "GBP": 0.8, "CAD": 1.35, "AUD": 1.5, "NZD": 1.6, "NGN": 1500, "GHS": 15,
         "SLE": 22, "LRD": 190, "KES": 130, "UGX": 3700, "TZS": 2600, "ETB": 120, "RWF": 1300, "MXN": 18,
         "GTQ": 7.8, "HNL": 25, "COP": 4000, "PEN": 3.7, "CLP": 900, "ARS": 900, "BRL": 5, "MZN": 64,
         "AOA": 850, "XOF": 600, "XAF": 600, "SEK": 10.5, "NOK": 10.5, "DKK": 6.8, "PLN": 4, "UAH": 40,
         "CZK": 23, "RSD": 108, "INR": 83, "PKR": 280, "BDT": 110, "LKR": 300, "NPR": 133, "JPY": 150,
         "KRW": 1350, "EGP": 48, "JOD": 0.71, "MAD": 10, "TND": 3.1, "LBP": 89000, "IQD": 1300, "SAR": 3.75,
         "AED": 3.67, "TRY": 32, "ZAR": 18, "ZMW": 26}
USD = _cur("USD", "$", "dollar")
EUR = _cur("EUR", "€", "euro")
_SHILLING = {"KES": "KSh ", "UGX": "USh ", "TZS": "TSh "}


@dataclass(frozen=True)
class Country:
    name: str
    adj: str
    culture: str
    capital: str
    cities: tuple[str, ...]
    currency: Currency

    @property
    def bare(self) -> str:
        return self.name.removeprefix("the ")


def _c(name: str, adj: str, culture: str, cities: str, currency: Currency) -> Country:
    towns = _w(cities)
    return Country(name, adj, culture, towns[0], towns, currency)


COUNTRIES: tuple[Country, ...] = (
    _c("the United States", "American", "anglo",
       "Washington, New York, Chicago, Houston, Los Angeles, Miami, Seattle, Atlanta, Boston", USD),
    _c("the United Kingdom", "British", "anglo",
       "London, Manchester, Birmingham, Glasgow, Leeds, Liverpool, Bristol, Cardiff",
       _cur("GBP", "£", "pound")),
    _c("Canada", "Canadian", "anglo", "Ottawa, Toronto, Montreal, Vancouver, Calgary, Halifax",
       _cur("CAD", "C$", "Canadian dollar")),
    _c("Australia", "Australian", "anglo", "Canberra, Sydney, Melbourne, Brisbane, Perth, Adelaide",
       _cur("AUD", "A$", "Australian dollar")),
    _c("New Zealand", "New Zealand", "anglo", "Wellington, Auckland, Christchurch, Dunedin",
       _cur("NZD", "NZ$", "New Zealand dollar")),
    _c("Ireland", "Irish", "anglo", "Dublin, Cork, Galway, Limerick", EUR),
    _c("Nigeria", "Nigerian", "west_african", "Abuja, Lagos, Kano, Ibadan, Port Harcourt, Enugu, Kaduna",
       _cur("NGN", "₦", "naira", "naira")),
    _c("Ghana", "Ghanaian", "west_african", "Accra, Kumasi, Tamale, Takoradi, Cape Coast",
       _cur("GHS", "", "cedi")),
    _c("Sierra Leone", "Sierra Leonean", "west_african", "Freetown, Bo, Kenema, Makeni",
       _cur("SLE", "", "leone")),
    _c("Liberia", "Liberian", "west_african", "Monrovia, Buchanan, Gbarnga",
       _cur("LRD", "L$", "Liberian dollar")),
    _c("Kenya", "Kenyan", "east_african", "Nairobi, Mombasa, Kisumu, Nakuru, Eldoret, Malindi, Kilifi",
       _cur("KES", "KSh ", "shilling")),
    _c("Uganda", "Ugandan", "east_african", "Kampala, Entebbe, Gulu, Jinja, Mbarara",
       _cur("UGX", "USh ", "shilling")),
    _c("Tanzania", "Tanzanian", "east_african", "Dodoma, Dar es Salaam, Arusha, Mwanza, Zanzibar, Tanga",
       _cur("TZS", "TSh ", "shilling")),
    _c("Ethiopia", "Ethiopian", "east_african", "Addis Ababa, Dire Dawa, Bahir Dar, Mekelle, Hawassa",
       _cur("ETB", "", "birr", "birr")),
    _c("Rwanda", "Rwandan", "east_african", "Kigali, Huye, Musanze, Rubavu", _cur("RWF", "", "franc")),
    _c("Mexico", "Mexican", "hispanic", "Mexico City, Guadalajara, Monterrey, Puebla, Tijuana, Mérida",
       _cur("MXN", "", "peso")),
    _c("El Salvador", "Salvadoran", "hispanic", "San Salvador, Santa Ana, San Miguel, Sonsonate", USD),
    _c("Guatemala", "Guatemalan", "hispanic", "Guatemala City, Quetzaltenango, Escuintla, Cobán",
       _cur("GTQ", "", "quetzal", "quetzales")),
    _c("Honduras", "Honduran", "hispanic", "Tegucigalpa, San Pedro Sula, La Ceiba, Choluteca",
       _cur("HNL", "", "lempira")),
    _c("Colombia", "Colombian", "hispanic", "Bogotá, Medellín, Cali, Barranquilla, Cartagena",
       _cur("COP", "", "peso")),
    _c("Peru", "Peruvian", "hispanic", "Lima, Arequipa, Trujillo, Cusco, Piura",
       _cur("PEN", "", "sol", "soles")),
    _c("Chile", "Chilean", "hispanic", "Santiago, Valparaíso, Concepción, Antofagasta",
       _cur("CLP", "", "peso")),
    _c("Argentina", "Argentine", "hispanic", "Buenos Aires, Córdoba, Rosario, Mendoza",
       _cur("ARS", "", "peso")),
    _c("Spain", "Spanish", "hispanic", "Madrid, Barcelona, Valencia, Seville, Bilbao, Málaga", EUR),
    _c("Ecuador", "Ecuadorian", "hispanic", "Quito, Guayaquil, Cuenca, Manta", USD),
    _c("Panama", "Panamanian", "hispanic", "Panama City, Colón, David", USD),
    _c("Brazil", "Brazilian", "lusophone", "Brasília, São Paulo, Rio de Janeiro, Salvador, Recife, Belém",
       _cur("BRL", "R$", "real", "reais")),
    _c("Portugal", "Portuguese", "lusophone", "Lisbon, Porto, Braga, Coimbra, Faro", EUR),
    _c("Mozambique", "Mozambican", "lusophone", "Maputo, Beira, Nampula, Pemba",
       _cur("MZN", "", "metical", "meticais")),
    _c("Angola", "Angolan", "lusophone", "Luanda, Lobito, Benguela, Huambo", _cur("AOA", "", "kwanza")),
    _c("France", "French", "francophone", "Paris, Marseille, Lyon, Toulouse, Nice, Bordeaux", EUR),
    _c("Senegal", "Senegalese", "francophone", "Dakar, Thiès, Saint-Louis, Ziguinchor",
       _cur("XOF", "", "CFA franc")),
    _c("Ivory Coast", "Ivorian", "francophone", "Yamoussoukro, Abidjan, Bouaké, San-Pédro",
       _cur("XOF", "", "CFA franc")),
    _c("Belgium", "Belgian", "francophone", "Brussels, Antwerp, Ghent, Liège", EUR),
    _c("Cameroon", "Cameroonian", "francophone", "Yaoundé, Douala, Garoua, Bamenda",
       _cur("XAF", "", "CFA franc")),
    _c("Germany", "German", "german_nordic", "Berlin, Hamburg, Munich, Cologne, Frankfurt, Leipzig", EUR),
    _c("Austria", "Austrian", "german_nordic", "Vienna, Graz, Linz, Salzburg", EUR),
    _c("the Netherlands", "Dutch", "german_nordic", "Amsterdam, Rotterdam, The Hague, Utrecht", EUR),
    _c("Sweden", "Swedish", "german_nordic", "Stockholm, Gothenburg, Malmö, Uppsala",
       _cur("SEK", "", "krona", "kronor")),
    _c("Norway", "Norwegian", "german_nordic", "Oslo, Bergen, Trondheim, Stavanger",
       _cur("NOK", "", "krone", "kroner")),
    _c("Denmark", "Danish", "german_nordic", "Copenhagen, Aarhus, Odense, Aalborg",
       _cur("DKK", "", "krone", "kroner")),
    _c("Poland", "Polish", "slavic", "Warsaw, Kraków, Gdańsk, Wrocław, Poznań", _cur("PLN", "", "zloty")),
    _c("Ukraine", "Ukrainian", "slavic", "Kyiv, Kharkiv, Odesa, Lviv, Dnipro", _cur("UAH", "", "hryvnia")),
    _c("the Czech Republic", "Czech", "slavic", "Prague, Brno, Ostrava, Plzeň", _cur("CZK", "", "koruna")),
    _c("Serbia", "Serbian", "slavic", "Belgrade, Novi Sad, Niš, Kragujevac", _cur("RSD", "", "dinar")),
    _c("Croatia", "Croatian", "slavic", "Zagreb, Split, Rijeka, Osijek", EUR),
    _c("India", "Indian", "south_asian", "New Delhi, Mumbai, Kolkata, Chennai, Bengaluru, Hyderabad",
       _cur("INR", "₹", "rupee")),
    _c("Pakistan", "Pakistani", "south_asian", "Islamabad, Karachi, Lahore, Peshawar, Quetta",
       _cur("PKR", "", "rupee")),
    _c("Bangladesh", "Bangladeshi", "south_asian", "Dhaka, Chittagong, Khulna, Sylhet",
       _cur("BDT", "", "taka", "taka")),
    _c("Sri Lanka", "Sri Lankan", "south_asian", "Colombo, Kandy, Galle, Jaffna", _cur("LKR", "", "rupee")),
    _c("Nepal", "Nepali", "south_asian", "Kathmandu, Pokhara, Biratnagar", _cur("NPR", "", "rupee")),
    _c("Japan", "Japanese", "japanese", "Tokyo, Osaka, Yokohama, Nagoya, Fukuoka, Sapporo",
       _cur("JPY", "¥", "yen", "yen")),
    _c("South Korea", "South Korean", "korean", "Seoul, Busan, Incheon, Daegu, Gwangju",
       _cur("KRW", "", "won", "won")),
    _c("Egypt", "Egyptian", "arabic", "Cairo, Alexandria, Giza, Port Said, Aswan",
       _cur("EGP", "", "Egyptian pound")),
    _c("Jordan", "Jordanian", "arabic", "Amman, Zarqa, Irbid, Aqaba", _cur("JOD", "", "dinar")),
    _c("Morocco", "Moroccan", "arabic", "Rabat, Casablanca, Marrakesh, Tangier, Fez",
       _cur("MAD", "", "dirham")),
    _c("Tunisia", "Tunisian", "arabic", "Tunis, Sfax, Sousse, Bizerte", _cur("TND", "", "dinar")),
    _c("Lebanon", "Lebanese", "arabic", "Beirut, Tripoli, Sidon, Tyre", _cur("LBP", "", "Lebanese pound")),
    _c("Iraq", "Iraqi", "arabic", "Baghdad, Basra, Mosul, Erbil", _cur("IQD", "", "dinar")),
    _c("Saudi Arabia", "Saudi", "arabic", "Riyadh, Jeddah, Dammam, Mecca", _cur("SAR", "", "riyal")),
    _c("the United Arab Emirates", "Emirati", "arabic", "Abu Dhabi, Dubai, Sharjah",
       _cur("AED", "", "dirham")),
    _c("Turkey", "Turkish", "turkish", "Ankara, Istanbul, Izmir, Bursa, Antalya",
       _cur("TRY", "", "lira", "lira")),
    _c("Italy", "Italian", "italian_greek", "Rome, Milan, Naples, Turin, Genoa, Palermo", EUR),
    _c("Greece", "Greek", "italian_greek", "Athens, Thessaloniki, Patras, Heraklion", EUR),
    _c("South Africa", "South African", "southern_african",
       "Pretoria, Johannesburg, Cape Town, Durban, Port Elizabeth", _cur("ZAR", "R", "rand", "rand")),
    _c("Zimbabwe", "Zimbabwean", "southern_african", "Harare, Bulawayo, Mutare, Gweru", USD),
    _c("Zambia", "Zambian", "southern_african", "Lusaka, Ndola, Kitwe, Livingstone",
       _cur("ZMW", "", "kwacha", "kwacha")),
)


# ------------------------------------------------------------------ pool records


@dataclass(frozen=True)
class Place:
    name: str
    country: int
    the: bool = False

    @property
    def ref(self) -> str:
        return f"the {self.name}" if self.the else self.name


@dataclass(frozen=True)
class Org:
    name: str
    kind: str
    country: int
    the: bool
    noun: str  # "the union"
    acronym: str = ""
    short: str = ""  # a brand ("Meridian") that stands for the whole name


@dataclass(frozen=True)
class Facility:
    name: str
    kind: str
    town: int
    country: int
    the: bool
    capacity: int


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    female: bool
    country: int
    cat: str
    titles: tuple[str, ...]  # before the name; "{org}" stands for the organisation's name
    appos: tuple[str, ...]  # after the name, between commas
    noun: str  # "minister"; "" for ordinary people
    org: int = -1
    doctor: bool = False
    family_first: bool = False

    @property
    def full(self) -> str:
        return f"{self.last} {self.first}" if self.family_first else f"{self.first} {self.last}"


# ------------------------------------------------------------------ pool word lists

PORTFOLIOS = (
    ("Finance", "finance"), ("Foreign Affairs", "foreign"), ("Health", "health"), ("Education", "education"),
    ("Interior", "interior"), ("Defence", "defence"), ("Justice", "justice"), ("Trade and Industry", "trade"),
    ("Agriculture", "agriculture"), ("Transport", "transport"), ("Energy", "energy"),
    ("Environment", "environment"), ("Labour", "labour"), ("Public Works", "works"), ("Tourism", "tourism"),
    ("Water and Sanitation", "water"), ("Mining", "mining"), ("Information", "information"),
)
BRANDS = _w("Meridian, Atlas, Corvan, Helios, Northstar, Bluewater, Kestrel, Orion, Summit, Tidewater, "
            "Granite, Silverline, Redwood, Pinnacle, Harbourside, Zenith, Crestview, Ironbridge, Lumen, "
            "Sable, Vanguard, Westfield, Equinox, Halcyon, Keystone, Marlow, Novara, Osprey, Palisade, "
            "Quantum, Rivera, Solace, Talon, Umber, Verdant, Wexford, Yarrow, Amberly, Boreal, Castellan, "
            "Dunmore, Everly, Fairhaven, Goldcrest, Highgate, Ivory, Juniper, Kingsway, Larkspur, Mosaic, "
            "Nimbus, Oakhurst, Prairie, Riverstone, Stonegate, Trident, Upland, Valemont, Windward, Apex")
SECTORS = _w("Shipping, Mining, Logistics, Energy, Telecom, Cement, Agro, Pharmaceuticals, Construction, "
             "Engineering, Textiles, Foods, Steel, Petroleum, Solar, Water, Rail, Aviation, Fisheries, "
             "Security, Media, Insurance, Motors, Chemicals, Timber")
COMPANY_SUFFIXES = _w("Group, Holdings, Corporation, Company, Ltd, Plc, Inc., International, Partners")
NGO_ADJ = _w("National, United, Independent, Global, Regional, Civic, Democratic, Coastal, Northern, "
             "Southern, Citizens', Popular, International, Open")
NGO_TOPIC = _w("Rights, Justice, Water, Migrants, Press Freedom, Transparency, Health, Land, Environment, "
               "Children's, Women's, Prisoners', Refugee, Education, Anti-Corruption, Food Security, Housing")
NGO_KIND = _w("Alliance, Network, Foundation, Initiative, Watch, Coalition, Institute, Forum, Trust, "
              "Project, Centre")
UNION_ADJ = _w("National, General, United, Independent, Amalgamated, Progressive")
TRADES = _w("Dockworkers, Teachers, Nurses, Mineworkers, Farmworkers, Transport Workers, Health Workers, "
            "Journalists, Railway Workers, Textile Workers, Port Workers, Civil Servants, "
            "Electricity Workers, Bank Employees, Fishermen, Construction Workers")
PARTY_ADJ = _w("Progressive, National, Democratic, Popular, United, Liberal, Social, Green, Republican, "
               "Patriotic, People's, New, Federal, Reform")
PARTY_NOUN = _w("Renewal, Unity, Reform, Action, Labour, Liberty, Future, Citizens, Justice, Development, "
                "Congress, Alliance")
PARTY_IDEAL = _w("Change, Democracy, Justice, National Renewal, Progress, Solidarity, the Republic, "
                 "Social Justice, Freedom, Dignity")
AGENCIES = _w("Ports Authority, Revenue Authority, Investment Authority, Roads Agency, "
              "Energy Regulatory Commission, Anti-Corruption Commission, Bureau of Statistics, "
              "Prisons Service, Immigration Service, Water Resources Authority, Civil Aviation Authority, "
              "Railways Corporation, Human Rights Commission, Maritime Authority, Meteorological Agency, "
              "Competition Commission, Procurement Authority")
FIELDS = _w("Policy Studies, Economic Research, Security Studies, Development, Public Affairs, "
            "Strategic Studies, Migration Studies, Governance")
SAINTS = _w("Luke, Mary, Joseph, Francis, Anne, Peter, Catherine, Michael, Theresa, Paul")
JOBS = _w("trader, farmer, teacher, nurse, taxi driver, fisherman, shopkeeper, student, mechanic, "
          "market vendor, civil servant, retired engineer, dockworker, miner, pharmacist, bus driver")

FACILITY_KINDS: dict[str, tuple[tuple[str, bool], ...]] = {
    "prison": (("{t} Central Prison", False), ("{t} Maximum Security Prison", False),
               ("{t} Correctional Centre", True), ("{t} Detention Centre", True), ("{t} Penitentiary", False),
               ("{t} Remand Prison", False)),
    "port": (("Port of {t}", True), ("{t} Container Terminal", True), ("{t} Deep-Water Port", True),
             ("{t} Fishing Port", True)),
    "stadium": (("{t} National Stadium", True), ("{t} Municipal Stadium", True),
                ("{s} Memorial Stadium", False), ("{t} Arena", True)),
    "hospital": (("{t} General Hospital", False), ("{t} Teaching Hospital", True),
                 ("{t} Referral Hospital", True), ("St {saint}'s Hospital", False),
                 ("{t} Children's Hospital", True)),
    "bridge": (("{t} Bridge", True), ("{s} Bridge", True), ("{t} River Bridge", True), ("{t} Viaduct", True)),
    "airport": (("{t} International Airport", False), ("{s} International Airport", False)),
    "power": (("{t} Power Station", True), ("{t} Solar Park", True), ("{t} Dam", True),
              ("{t} Wind Farm", True), ("{t} Geothermal Plant", True)),
}
FACILITY_WEIGHTS = {"prison": 20, "port": 15, "stadium": 12, "hospital": 20, "bridge": 10, "airport": 10,
                    "power": 13}
FACILITY_NOUN = {"prison": "prison", "port": "port", "stadium": "stadium", "hospital": "hospital",
                 "bridge": "bridge", "airport": "airport", "power": "plant"}
CAPACITY_RANGE = {"prison": (800, 40_000), "port": (200_000, 5_000_000), "stadium": (5_000, 90_000),
                  "hospital": (100, 2_000), "bridge": (300, 9_000), "airport": (1, 40),
                  "power": (50, 2_400)}

# category -> share of the people pool (heads of state are added per country)
PERSON_CATS = {
    "citizen": 24, "minister": 10, "lawmaker": 9, "exec": 10, "spokes": 7, "ngo": 7, "union": 5, "judge": 4,
    "mayor": 4, "governor": 3, "police": 4, "academic": 8, "envoy": 2, "party": 3,
}


# ------------------------------------------------------------------ building the pools


@dataclass
class Pools:
    """The shared world every article draws its cast from, and Zipf samplers over it."""

    countries: tuple[Country, ...]
    towns: list[Place]
    regions: list[Place]
    orgs: list[Org]
    facilities: list[Facility]
    people: list[Person]
    towns_of: dict[int, list[int]] = field(default_factory=dict)
    regions_of: dict[int, list[int]] = field(default_factory=dict)
    _cum: dict[tuple, tuple[list[int], list[float]]] = field(default_factory=dict)
    _people_by: dict[tuple[str, int], list[int]] = field(default_factory=dict)


    @property
    def place_count(self) -> int:
        return len(self.countries) + len(self.towns) + len(self.regions)

    def _sampler(self, key: tuple, idxs: list[int], local: bool = False) -> tuple[list[int], list[float]]:
        """Cumulative Zipf weights; global rank (pool position) unless ``local`` (list position)."""
        if key not in self._cum:
            ranks = range(len(idxs)) if local else idxs
            self._cum[key] = (idxs, list(accumulate(1.0 / (r + 1) ** ZIPF_S for r in ranks)))
        return self._cum[key]

    def _draw(self, rng: random.Random, key: tuple, build, local: bool = False) -> int | None:
        if key not in self._cum:
            idxs = build()
            if not idxs:
                return None
            self._sampler(key, idxs, local)
        idxs, cum = self._cum[key]
        return rng.choices(idxs, cum_weights=cum)[0]

    def country(self, rng: random.Random, avoid: int = -1) -> int:
        for _ in range(20):
            c = self._draw(rng, ("c",), lambda: list(range(len(self.countries))))
            if c != avoid:
                return c
        return (avoid + 1) % len(self.countries)

    def town(self, rng: random.Random, country: int) -> int:
        return self._draw(rng, ("t", country), lambda: self.towns_of[country], local=True)

    def region(self, rng: random.Random, country: int) -> int:
        found = self._draw(rng, ("r", country), lambda: self.regions_of.get(country, []), local=True)
        return found if found is not None else rng.randrange(len(self.regions))

    def org(self, rng: random.Random, kinds: tuple[str, ...], country: int | None = None) -> int:
        if country is not None:
            found = self._draw(rng, ("o", kinds, country), lambda: [
                i for i, o in enumerate(self.orgs) if o.kind in kinds and o.country == country])
            if found is not None:
                return found
        return self._draw(rng, ("o", kinds), lambda: [i for i, o in enumerate(self.orgs) if o.kind in kinds])

    def facility(self, rng: random.Random, kinds: tuple[str, ...], country: int | None = None) -> int:
        if country is not None:
            found = self._draw(rng, ("f", kinds, country), lambda: [
                i for i, f in enumerate(self.facilities) if f.kind in kinds and f.country == country])
            if found is not None:
                return found
        return self._draw(rng, ("f", kinds), lambda: [
            i for i, f in enumerate(self.facilities) if f.kind in kinds])

    def person(self, rng: random.Random, cats: tuple[str, ...], country: int | None = None) -> int:
        if not self._people_by:  # (category, country) -> people, so samplers are built without a scan
            for i, p in enumerate(self.people):
                self._people_by.setdefault((p.cat, p.country), []).append(i)
                self._people_by.setdefault((p.cat, -1), []).append(i)

        def members(where: int) -> list[int]:
            return sorted(i for cat in cats for i in self._people_by.get((cat, where), []))

        if country is not None:
            found = self._draw(rng, ("p", cats, country), lambda: members(country))
            if found is not None:
                return found
        return self._draw(rng, ("p", cats), lambda: members(-1))


def _acronym(name: str) -> str:
    words = re.findall(r"[A-Za-z][\w'-]*", name.replace("-", " "))
    letters = "".join(w[0] for w in words if w[0].isupper())
    return letters if len(letters) >= 3 else ""


def _town_name(rng: random.Random, culture: Culture) -> str:
    head, tail = rng.choice(culture.heads), rng.choice(culture.tails)
    if tail[0].isupper() or " " in tail:  # "Puerto del Mar", "Ain Zahra"; else "Ashford", "Port-sur-Mer"
        return f"{head} {tail}"
    return head + tail


@lru_cache(maxsize=4)
def build_pools(seed: int = 0) -> Pools:
    """Compose the world once per seed; every article of every corpus size shares it."""
    rng = random.Random(f"{seed}:pools")
    countries = list(COUNTRIES)
    rng.shuffle(countries)  # country popularity follows this order
    countries = tuple(countries)

    towns: list[Place] = []
    towns_of: dict[int, list[int]] = {i: [] for i in range(len(countries))}
    taken: set[str] = set()
    for ci, country in enumerate(countries):
        for city in country.cities:
            towns_of[ci].append(len(towns))
            towns.append(Place(city, ci))
            taken.add(city)
    composed = N_PLACES - len(countries) - len(towns) - N_REGIONS
    while composed > 0:
        ci = rng.randrange(len(countries))
        name = _town_name(rng, CULTURES[countries[ci].culture])
        if name in taken:
            continue
        taken.add(name)
        towns_of[ci].append(len(towns))
        towns.append(Place(name, ci))
        composed -= 1

    regions: list[Place] = []
    regions_of: dict[int, list[int]] = {}
    while len(regions) < N_REGIONS:
        ci = rng.randrange(len(countries))
        base = _town_name(rng, CULTURES[countries[ci].culture])
        if rng.random() < 0.6:
            name, the = f"{base} {rng.choice(('Province', 'County', 'Region', 'District', 'State'))}", False
        else:
            name, the = f"{base} {rng.choice(('Valley', 'Highlands', 'Delta', 'Coast', 'Plateau'))}", True
        if name in taken:
            continue
        taken.add(name)
        regions_of.setdefault(ci, []).append(len(regions))
        regions.append(Place(name, ci, the))

    orgs = _build_orgs(rng, countries, towns, towns_of)
    facilities = _build_facilities(rng, countries, towns)
    people = _build_people(rng, countries, towns, towns_of, regions, regions_of, orgs)
    return Pools(countries, towns, regions, orgs, facilities, people, towns_of, regions_of)


def _build_orgs(rng: random.Random, countries: tuple[Country, ...], towns: list[Place],
                towns_of: dict[int, list[int]]) -> list[Org]:
    orgs: list[Org] = []
    names: set[str | tuple[str, int]] = set()

    def add(name: str, kind: str, ci: int, the: bool, noun: str, acr_p: float = 0.0, short: str = "") -> bool:
        if (name if kind != "ministry" else (name, ci)) in names or len(orgs) >= N_ORGS:
            return False
        names.add(name if kind != "ministry" else (name, ci))
        acronym = _acronym(name) if rng.random() < acr_p else ""
        orgs.append(Org(name, kind, ci, the, noun, acronym, short))
        return True

    def town_of(ci: int) -> str:
        return towns[rng.choice(towns_of[ci])].name

    for ci, country in enumerate(countries):  # every country has a government, a court, a commission
        for portfolio, _ in rng.sample(PORTFOLIOS, 6):
            add(f"Ministry of {portfolio}", "ministry", ci, True, "the ministry", 0.0)
        add(f"Supreme Court of {country.name}", "court", ci, True, "the court")
        add(f"{country.bare} Electoral Commission", "agency", ci, True, "the commission", 0.5)
        add(f"{country.bare} Police Service", "agency", ci, True, "the police service", 0.4)
        add(f"Central Bank of {country.name}", "bank", ci, True, "the central bank", 0.3)
    budget = {"company": 700, "ngo": 470, "union": 230, "court": 150, "party": 210, "agency": 220,
              "bank": 110, "academic": 250}
    for kind, count in budget.items():
        added = 0
        for _ in range(count * 5):
            if added >= count:
                break
            before = len(orgs)
            ci = rng.randrange(len(countries))
            country = countries[ci]
            if kind == "company":
                brand = rng.choice(BRANDS)
                name = f"{brand} {rng.choice(SECTORS)} {rng.choice(COMPANY_SUFFIXES)}"
                add(name, kind, ci, False, rng.choice(("the company", "the group", "the firm")), 0.15, brand)
            elif kind == "ngo":
                name = f"{rng.choice(NGO_ADJ)} {rng.choice(NGO_TOPIC)} {rng.choice(NGO_KIND)}"
                add(name, kind, ci, True, rng.choice(("the group", "the organisation")), 0.5)
            elif kind == "union":
                trade = rng.choice(TRADES)
                name = rng.choice((f"{rng.choice(UNION_ADJ)} Union of {trade}",
                                   f"{rng.choice(UNION_ADJ)} {trade} Union",
                                   f"{country.adj} {trade} Union", f"Federation of {country.adj} {trade}"))
                add(name, kind, ci, True, rng.choice(("the union", "the federation"))
                    if name.startswith("Federation") else "the union", 0.6)
            elif kind == "court":
                kind_name = rng.choice(("High Court", "Magistrates' Court", "Labour Court", "Regional Court",
                                        "Court of Appeal"))
                add(f"{town_of(ci)} {kind_name}", kind, ci, True, "the court")
            elif kind == "party":
                name = rng.choice((f"{rng.choice(PARTY_ADJ)} {rng.choice(PARTY_NOUN)} Party",
                                   f"Movement for {rng.choice(PARTY_IDEAL)}",
                                   f"{rng.choice(PARTY_ADJ)} Front for {rng.choice(PARTY_IDEAL)}",
                                   f"{rng.choice(PARTY_ADJ)} {rng.choice(PARTY_NOUN)} Alliance"))
                add(name, kind, ci, True, "the party", 0.7)
            elif kind == "agency":
                thing = rng.choice(AGENCIES)
                prefix = rng.choice((country.bare, "National"))
                noun = "the " + thing.split()[-1].lower()
                noun = noun if noun != "the statistics" else "the bureau"
                add(f"{prefix} {thing}", kind, ci, True, noun, 0.6)
            elif kind == "bank":
                name, the = rng.choice(((f"{rng.choice(BRANDS)} Bank", False),
                                        (f"Bank of {town_of(ci)}", True),
                                        (f"{town_of(ci)} Development Bank", True)))
                add(name, kind, ci, the, "the bank", 0.3, name.split()[0] if not the else "")
            else:
                name = rng.choice((f"University of {town_of(ci)}", f"{town_of(ci)} Institute of Technology",
                                   f"{rng.choice(BRANDS)} Institute for {rng.choice(FIELDS)}",
                                   f"{town_of(ci)} Centre for {rng.choice(FIELDS)}"))
                noun = "the university" if "University" in name else (
                    "the centre" if "Centre" in name else "the institute")
                add(name, kind, ci, True, noun, 0.4)
            added += len(orgs) - before
    while len(orgs) < N_ORGS:  # top up with companies and NGOs until the pool is full
        ci = rng.randrange(len(countries))
        if rng.random() < 0.5:
            brand = rng.choice(BRANDS)
            add(f"{brand} {rng.choice(SECTORS)} {rng.choice(COMPANY_SUFFIXES)}", "company", ci, False,
                "the company", 0.15, brand)
        else:
            add(f"{rng.choice(NGO_ADJ)} {rng.choice(NGO_TOPIC)} {rng.choice(NGO_KIND)}", "ngo", ci, True,
                "the group", 0.5)
    rng.shuffle(orgs)  # popularity rank is independent of kind and country
    return orgs


def _build_facilities(rng: random.Random, countries: tuple[Country, ...],
                      towns: list[Place]) -> list[Facility]:
    facilities: list[Facility] = []
    names: set[str] = set()
    kinds, weights = list(FACILITY_WEIGHTS), list(FACILITY_WEIGHTS.values())
    while len(facilities) < N_FACILITIES:
        ti = rng.randrange(len(towns))
        town = towns[ti]
        kind = rng.choices(kinds, weights)[0]
        pattern, the = rng.choice(FACILITY_KINDS[kind])
        surname = rng.choice(CULTURES[countries[town.country].culture].surnames)
        name = pattern.format(t=town.name, s=surname, saint=rng.choice(SAINTS))
        if name in names:
            continue
        names.add(name)
        low, high = CAPACITY_RANGE[kind]
        capacity = int(math.exp(rng.uniform(math.log(low), math.log(high))))
        facilities.append(Facility(name, kind, ti, town.country, the, _round(capacity)))
    return facilities


def _round(n: int) -> int:
    """Round to two significant figures, as reported capacities usually are."""
    if n < 100:
        return n
    scale = 10 ** (len(str(n)) - 2)
    return round(n / scale) * scale


def _build_people(rng: random.Random, countries: tuple[Country, ...], towns: list[Place],
                  towns_of: dict[int, list[int]], regions: list[Place], regions_of: dict[int, list[int]],
                  orgs: list[Org]) -> list[Person]:
    by_kind: dict[tuple[str, int], list[int]] = {}
    for i, org in enumerate(orgs):
        by_kind.setdefault((org.kind, org.country), []).append(i)
        by_kind.setdefault((org.kind, -1), []).append(i)
    used: set[tuple[str, str]] = set()
    people: list[Person] = []
    cultures = list(CULTURES)

    def org_for(kinds: tuple[str, ...], ci: int) -> int:
        local = [i for k in kinds for i in by_kind.get((k, ci), [])]
        pool = local if local and rng.random() < 0.9 else [i for k in kinds for i in by_kind.get((k, -1), [])]
        return rng.choice(pool)

    def person(ci: int, cat: str) -> Person | None:
        country = countries[ci]
        culture_key = country.culture if rng.random() < 0.95 else rng.choice(cultures)  # a few migrants
        culture = CULTURES[culture_key]
        female = rng.random() < 0.45
        for _ in range(40):
            first = rng.choice(culture.female if female else culture.male)
            last = rng.choice(culture.surnames)
            if (first, last) not in used:
                break
        else:
            return None
        used.add((first, last))
        town = towns[rng.choice(towns_of[ci])].name
        cname, cposs = country.name, _poss(country.name)
        titles: tuple[str, ...] = ()
        appos: tuple[str, ...]
        noun, org, doctor = "", -1, False
        if cat == "head":
            office = rng.choice(("President", "Prime Minister", "Vice-President"))
            titles = (office,)
            appos = (f"the {office.lower()} of {cname}", f"{cposs} {office.lower()}")
            noun = office.lower()
        elif cat == "minister":
            ministries = by_kind.get(("ministry", ci), [])
            org = rng.choice(ministries) if ministries else -1
            portfolio = orgs[org].name.removeprefix("Ministry of ") if org >= 0 else "Finance"
            short = dict(PORTFOLIOS)[portfolio]
            title = f"{short.capitalize()} Minister"
            titles = (title,)
            appos = (f"the {short} minister", f"{cposs} {short} minister",
                     f"the minister of {portfolio.lower()}")
            noun = "minister"
        elif cat == "lawmaker":
            org = org_for(("party",), ci)
            titles = (rng.choice(("Senator", "MP", "opposition lawmaker")),)
            appos = ("a lawmaker from {org}", f"a member of parliament for {town}")
            noun = "lawmaker"
        elif cat == "party":
            org = org_for(("party",), ci)
            titles = ("opposition leader",)
            appos = ("the leader of {org}", "who leads {org}")
            noun = "opposition leader"
        elif cat == "exec":
            org = org_for(("company", "bank"), ci)
            role = rng.choice(("chief executive", "chairman" if not female else "chairwoman",
                               "managing director", "chief financial officer"))
            titles = (f"{{org}} {role}",) if not orgs[org].the else ()
            appos = (f"the {role} of {{org}}", f"{role} of {{org}}")
            noun = role
        elif cat == "spokes":
            org = org_for(("company", "ministry", "agency", "ngo", "party"), ci)
            word = rng.choice(("spokesperson", "spokeswoman" if female else "spokesman"))
            appos = (f"a {word} for {{org}}",)
            noun = word
        elif cat == "ngo":
            org = org_for(("ngo",), ci)
            appos = (rng.choice(("the executive director of {org}", "the director of {org}",
                                 "a researcher at {org}", "head of campaigns at {org}")),)
            noun = "researcher" if "researcher" in appos[0] else "director"
        elif cat == "union":
            org = org_for(("union",), ci)
            role = rng.choice(("secretary-general", "general secretary", "president"))
            appos = (f"the {role} of {{org}}",)
            noun = "union leader"
        elif cat == "judge":
            org = org_for(("court",), ci)
            titles = (rng.choice(("Judge", "Justice")),)
            appos = ("a judge at {org}", "the presiding judge at {org}")
            noun = "judge"
        elif cat == "mayor":
            titles = (f"{town} Mayor",)
            appos = (f"the mayor of {town}",)
            noun = "mayor"
        elif cat == "governor":
            region = regions[rng.choice(regions_of[ci])] if ci in regions_of else rng.choice(regions)
            titles = ("Governor",)
            appos = (f"the governor of {region.ref}",)
            noun = "governor"
        elif cat == "police":
            role = rng.choice(("Police Commissioner", "Inspector General", "police spokesperson"))
            titles = (role,)
            appos = (f"the {role.lower()} in {town}" if role.islower() else f"{cposs} {role.lower()}",)
            noun = role.lower().removeprefix("police ")
        elif cat == "academic":
            org = org_for(("academic",), ci)
            role = rng.choice(("a professor of economics", "an analyst", "a senior fellow",
                               "a political scientist", "a professor of law"))
            titles = ("Professor",) if "professor" in role else ()
            appos = (f"{role} at {{org}}",)
            noun = "professor" if "professor" in role else "analyst"
            doctor = rng.random() < 0.5
        elif cat == "envoy":
            other = countries[rng.randrange(len(countries))]
            if other is country:
                other = countries[(ci + 1) % len(countries)]
            titles = ("Ambassador",)
            appos = (f"{cposs} ambassador to {other.name}",)
            noun = "ambassador"
        else:  # ordinary people: quoted once, rarely again
            age = rng.randint(19, 78)
            job = rng.choice(JOBS)
            appos = (f"a {age}-year-old {job} from {town}", f"a {job} in {town}", f"a resident of {town}")
        return Person(first, last, female, ci, cat, titles, appos, noun, org, doctor, culture.family_first)

    for ci in range(len(countries)):
        for _ in range(2):
            p = person(ci, "head")
            if p:
                people.append(p)
    cats, weights = list(PERSON_CATS), list(PERSON_CATS.values())
    while len(people) < N_PEOPLE:
        p = person(rng.randrange(len(countries)), rng.choices(cats, weights)[0])
        if p:
            people.append(p)
    rng.shuffle(people)
    return people


def _poss(name: str) -> str:
    """'Kenya's', 'the United States''; plural-looking place names take the bare apostrophe."""
    return name + ("'" if name.endswith("s") and " " in name else "'s")


def _poss_name(name: str) -> str:
    return name + ("'" if name.endswith("s") else "'s")


# ------------------------------------------------------------------ templates

# Slots: {P1}..{P3} people, {S} the speaker of a quote, {X} someone new; {O1}..{O3} organisations;
# {C1} {C2} countries; {T1} {T2} towns; {R1} a region; {F1} a facility; {CT} a court; :form selects
# a form ({P1:last}, {P1:poss}, {O1:bare}, {F1:cap} ...); other names are values (dates, numbers).

KINDS: dict[str, dict[str, tuple[str, ...]]] = {
    "agreement": {
        "headlines": (
            "{C1} and {C2} sign {DEAL} on {TS}", "{C1} signs {VALUE:adj} {TS} deal with {C2}",
            "{P1:last} hails {TS} pact with {C2}", "{C1}, {C2} agree to {TOPICVP}",
            "{TS} deal signed in {T1:bare} after months of talks"),
        "leads": (
            "{C1} and {C2} signed {DEAL:a} on {TOPIC} {WHEN}, a move officials said would {BENEFIT}.",
            "{P1} and {P2} signed {DEAL:a} in {T1} {WHEN} that commits both countries to {TOPICING}.",
            "{C1} has agreed to {TOPICVP} under {DEAL:a} with {C2} worth {VALUE}, officials said {DAY}.",
            "The governments of {C1} and {C2} {WHEN} put their signatures to a long-awaited {DEAL} on "
            "{TOPIC}.",
        ),
        "follows": (
            "Under the terms of the {DEAL}, {C2} will provide {BIGMONEY} over {NUMWORD} years, while {C1} "
            "will {TOPICVP}.",
            "The {DEAL} was negotiated over {NUMWORD} rounds of talks that began {MONTH}.",
            "{P1} said the {DEAL} would {BENEFIT} and described it as {OQ}{FRAG}{CQ}.",
            "Officials from {O1} said the first phase would begin {LATER}.",
            "The text of the {DEAL} has not been published, but a copy seen by {OUTLET} runs to {SMALLNUM} "
            "pages.",
            "{O2} is expected to carry out much of the work, according to {NUMWORD} people familiar with the "
            "talks.",
            "The {DEAL} still needs the approval of parliament in {C1}, where the governing coalition "
            "holds a narrow majority.",
            "It is the {ORD} agreement the two countries have signed since {YEAR}.",
        ),
    },
    "proposal": {
        "headlines": (
            "{P1:last} proposes plan to {TOPICVP}", "{C1} unveils {VALUE:adj} plan for {TS}",
            "{O1:bare} floats {TS} proposal as critics line up", "Plan to {TOPICVP} divides {C1}"),
        "leads": (
            "{P1} {WHEN} proposed a plan to {TOPICVP}, saying it would {BENEFIT}.",
            "{O1} has unveiled a {VALUE:adj} proposal to {TOPICVP}, the most ambitious of its kind in {C1}.",
            "{P1} put forward a proposal {WHEN} that would {TOPICVP} within {NUMWORD} years.",
            "A proposal by {P1} to {TOPICVP} has drawn support from business groups and criticism from {O2}.",
        ),
        "follows": (
            "The proposal would be paid for with {BIGMONEY} from the national budget and {MONEY} in loans.",
            "{P1:last} first floated the idea {MONTH}, but it was shelved after protests in {T1}.",
            "The plan must be debated in parliament before it can take effect, and a vote is expected "
            "{LATER}.",
            "Supporters of the proposal say it could {BENEFIT}.",
            "{O2} said it would study the proposal before taking a position.",
            "If approved, the first contracts would be awarded {LATER}, {P1:poss} office said.",
            "Under the proposal, {PEOPLE} would be eligible for support in the first year.",
        ),
    },
    "meeting": {
        "headlines": (
            "{P1:last} meets {P2:last} in {T1:bare} as talks on {TS} resume",
            "{C1} and {C2} leaders discuss {TS}", "{P1:last} and {P2:last} hold talks on {TS}"),
        "leads": (
            "{P1} met {P2} in {T1} {WHEN} to discuss {TOPIC}.",
            "{P1} held talks with {P2} {WHEN}, the first meeting between officials of {C1} and {C2} since "
            "{MONTHB}.",
            "Officials from {C1} and {C2} met behind closed doors in {T1} {WHEN}, with {TOPIC} at the top of "
            "the agenda.",
            "{P2} travelled to {T1} {WHEN} for talks with {P1} on {TOPIC}.",
        ),
        "follows": (
            "The meeting lasted about {NUMWORD} hours, according to an official who was present.",
            "No agreement was announced after the talks, but both sides said they would meet again {LATER}.",
            "{P1:last} and {P2:last} also discussed trade, security and the situation in {R1}, their offices "
            "said in a joint statement.",
            "It was {P2:poss} {ORD} visit to {C1} this year.",
            "The two delegations agreed to set up a working group that will report back {LATER}.",
            "Before the meeting, {P2:last} laid a wreath at a memorial in {T1} and toured {F1}.",
        ),
    },
    "criticism": {
        "headlines": (
            "{O2:bare} condemns {P1:poss} {TS} plan", "Critics round on {P1:last} over {TS}",
            "{P2:last} accuses government of failing on {TS}", "Rights groups criticise {C1} over {TS}"),
        "leads": (
            "{O2} has criticised {P1:poss} decision to {TOPICVP}, saying it was taken without consultation.",
            "{P2} {WHEN} condemned the government's plan to {TOPICVP} as {OQ}{FRAGC}{CQ}.",
            "Opposition politicians and rights groups in {C1} criticised {P1} {WHEN} over {TOPIC}.",
            "{P1} faced fierce criticism {WHEN} after defending a plan to {TOPICVP}.",
        ),
        "follows": (
            "{O2} said the plan would cost {BIGMONEY} and benefit only a handful of companies.",
            "In a letter to {P1:last}, {NUMWORD} civil society groups called for the plan to be suspended "
            "until an independent review was completed.",
            "{P2:last} said the government had ignored {PEOPLE} who would be affected.",
            "The criticism comes weeks after a report by {O3} found that similar projects had run over "
            "budget by an average of {PCT}.",
            "{P1:poss} office rejected the criticism, saying the plan had been published in full and "
            "debated in parliament.",
            "Protesters gathered outside the offices of {O1} in {T1} {DAY}, some carrying banners that read "
            "{OQ}{SLOGAN}{CQ}.",
        ),
    },
    "opening": {
        "headlines": (
            "{P1:last} opens {F1:bare}", "New {F1:kind} opens in {F1:town} after {NUMWORD}-year wait",
            "{F1:bare} opens its doors", "{C1} inaugurates {VALUE:adj} {F1:kind} in {F1:town}"),
        "leads": (
            "{P1} {WHEN} opened {F1}, a {VALUE:adj} project that {F1:cap}.",
            "{F1}, which {F1:cap}, was officially opened by {P1} {WHEN}.",
            "After {NUMWORD} years of construction, {F1} in {F1:town} opened {WHEN}.",
            "{P1} cut the ribbon at {F1} {WHEN}, calling it {OQ}{FRAG}{CQ}.",
        ),
        "follows": (
            "The {F1:kind} was built by {O2} at a cost of {VALUE}.",
            "{F1:Noun} {F1:cap}, making it one of the largest of its kind in the region.",
            "Construction began {MONTH} and was delayed by the pandemic and a dispute over land.",
            "An estimated {NUM} people attended the opening ceremony, including {NUMWORD} government "
            "ministers.",
            "Critics say {F1:noun} was built on land taken from {FEW} families who have not been "
            "compensated.",
            "{O1} said {F1:noun} would employ {FEW} people when it is fully operational.",
            "{F1:Noun} is the {ORD} of its kind that {C1} has opened since {YEAR}.",
        ),
    },
    "contract": {
        "headlines": (
            "{O2:bare} wins {VALUE:adj} contract to {TOPICVP}", "{C1} awards {TS} contract to {O2:bare}",
            "{O2:bare} lands {TS} deal in {C1}"),
        "leads": (
            "{O1} has awarded {O2} a {VALUE:adj} contract to {TOPICVP}, {P1} said {DAY}.",
            "{O2} won a {VALUE:adj} contract {WHEN} to {TOPICVP}, beating {NUMWORD} rival bidders.",
            "The government of {C1} {WHEN} signed a {VALUE:adj} contract with {O2} to {TOPICVP}.",
        ),
        "follows": (
            "The contract runs for {NUMWORD} years and includes an option to extend it.",
            "{P2} said the company would hire {FEW} local workers.",
            "{O2} has carried out similar projects in {C2}, according to its website.",
            "The tender was first advertised {MONTH} and drew {SMALLNUM} bids.",
            "Opposition lawmakers have demanded that the contract be published in full.",
            "Shares in {O2} rose {PCTLOW} after the announcement.",
            "Payment will be made in {NUMWORD} instalments, the first of {MONEY} due {LATER}.",
        ),
    },
    "arrest": {
        "headlines": (
            "Police arrest {SMALLNUM} in {T1:bare} {CRIME} probe", "{P2:full} arrested over {CRIME}",
            "{C1} police detain {P2:last} in {CRIME} investigation"),
        "leads": (
            "Police in {T1} {WHEN} arrested {SMALLNUM} people suspected of involvement in {CRIMENP}.",
            "{P2} was arrested in {T1} {WHEN} on suspicion of {CRIME}, police said.",
            "{P1} said {DAY} that officers had detained {SMALLNUM} people in connection with {CRIMENP}.",
            "Security forces raided {NUMWORD} properties in {T1} and {T2} {WHEN}, arresting {SMALLNUM} "
            "people.",
        ),
        "follows": (
            "The suspects are being held at {F1} and are expected to appear in court {LATER}.",
            "Officers seized {MONEY} in cash, {NUMWORD} vehicles and a number of mobile phones, "
            "{P1:last} said.",
            "{P1:last} said the investigation had begun {MONTH} after a tip-off from a bank in {T2}.",
            "Lawyers for {P2:last} said {P2:his} arrest was politically motivated.",
            "If convicted, the suspects face up to {SMALLNUM} years in prison.",
            "It is the {ORD} high-profile arrest in {C1} this year.",
        ),
    },
    "deportation": {
        "headlines": (
            "{C1} deports {FLIGHT} migrants to {C2}",
            "Deportation flight lands in {C2} with {FLIGHT} on board",
            "{C2} agrees to take {C1:poss} deportees"),
        "leads": (
            "{C1} deported {FLIGHT} people to {C2} {WHEN}, the {ORD} such flight this month.",
            "A flight carrying {FLIGHT} deportees from {C1} landed in {T2} {WHEN}, officials said.",
            "{P1} said {DAY} that {C1} would deport {FEW} more people to {C2} {LATER}.",
            "{C2} has agreed to accept {FEW} deportees a month from {C1} under {DEAL:a} signed {MONTH}.",
        ),
        "follows": (
            "The deportees were handed over to officials from {C2} and taken to {F1}.",
            "{O2}, which represents several of the deportees, said some had lived in {C1} for more than "
            "{SMALLNUM} years.",
            "{C1} pays {C2} {MIDMONEY} for each person it accepts, according to documents seen by {OUTLET}.",
            "Rights groups say {F1} is overcrowded and holds {F1:crowd} people, although it {F1:cap}.",
            "A court in {T1} {DAY} blocked the deportation of {NUMWORD} people who had appealed against "
            "their removal.",
            "Since {MONTHB}, {C1} has deported {PEOPLE} to {C2}, according to government figures.",
        ),
    },
    "election": {
        "headlines": (
            "{P1:last} wins {C1} presidential election", "{O1:bare} claims victory in {C1} vote",
            "{P1:last} declared winner as {P2:last} disputes result"),
        "leads": (
            "{P1} won the presidential election in {C1} with {VOTE} of the vote, the electoral commission "
            "said {DAY}.",
            "{O1} won a majority of seats in parliament in elections held {WHEN}, official results showed.",
            "Voters in {C1} went to the polls {WHEN} in an election that {P1} was widely expected to win.",
            "{P2} conceded defeat {WHEN} after results showed {P1} ahead in {SMALLNUM} of the country's "
            "provinces.",
        ),
        "follows": (
            "Turnout was {TURNOUT} at the previous election in {YEAR}.",
            "{P2:last} said {P2:his} party would challenge the results in court, citing irregularities "
            "in {R1}.",
            "International observers from {O3} said the vote had been largely peaceful.",
            "{P1:last} addressed thousands of supporters at {F1} on the eve of the vote.",
            "{P1:last} is due to be sworn in {LATER}.",
            "About {FEW} police officers were deployed across the country on election day.",
            "A total of {MILLIONS} million registered voters were eligible to take part, according to {O2}.",
        ),
    },
    "resignation": {
        "headlines": (
            "{P1:last} resigns amid pressure over {TS}", "{P1:full} steps down",
            "{P1:last} quits as {P1:nounbare}"),
        "leads": (
            "{P1} resigned {WHEN}, days after {P1:his} handling of {TOPIC} came under scrutiny.",
            "{P1} has stepped down, {O1} said in a statement {DAY}.",
            "{P1} announced {P1:his} resignation {WHEN}, saying {P1:he} wanted to spend more time with "
            "{P1:his} family.",
            "{P2} accepted the resignation of {P1} {WHEN}.",
        ),
        "follows": (
            "{P1:last} had held the post since {MONTHB}.",
            "{P2:last} thanked {P1:last} for {P1:his} service and named {X} as interim replacement.",
            "The resignation follows a report by {O3} that questioned the award of a {BIGMONEY:adj} "
            "contract.",
            "{P1:last} denied any wrongdoing in a letter posted on social media.",
            "It is the {ORD} resignation from {O1} in {NUMWORD} months.",
            "Opposition leaders had called for {P1:last} to step down since {MONTHB}.",
        ),
    },
}

# cast for each kind: P1 categories, P2 categories, facility kinds, whether P2 is from the other country
CASTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], bool]] = {
    "agreement": (("head", "minister", "envoy"), ("head", "minister", "envoy"), ("port", "power", "bridge"),
                  True),
    "proposal": (("head", "minister", "exec", "party", "governor"), ("ngo", "union", "party", "lawmaker"),
                 ("port", "power", "bridge", "hospital", "airport"), False),
    "meeting": (("head", "minister", "governor"), ("head", "minister", "envoy"), tuple(FACILITY_KINDS), True),
    "criticism": (("head", "minister", "governor", "mayor"), ("ngo", "union", "party", "lawmaker"),

                  tuple(FACILITY_KINDS), False),
    "opening": (("head", "minister", "governor", "mayor"), ("exec",), tuple(FACILITY_KINDS), False),
    "contract": (("minister", "governor", "mayor"), ("exec",), ("port", "power", "bridge", "airport",
                                                                "hospital", "stadium"), False),
    "arrest": (("police",), ("citizen", "exec", "lawmaker", "union", "spokes"), ("prison",), False),
    "deportation": (("minister", "head"), ("ngo", "academic", "lawmaker"), ("prison", "airport"), False),
    "election": (("party", "head", "lawmaker"), ("party", "lawmaker"), ("stadium",), False),
    "resignation": (("minister", "exec", "judge", "police", "ngo", "union"), ("head", "minister"),
                    tuple(FACILITY_KINDS), False),
}
KIND_WEIGHTS = {"agreement": 14, "proposal": 12, "meeting": 12, "criticism": 12, "opening": 9, "contract": 10,
                "arrest": 9, "deportation": 7, "election": 7, "resignation": 8}

SHARED: dict[str, tuple[str, ...]] = {
    "quote": (
        "{OQ}{Q},{CQ} {S} said.",
        "{OQ}{Q},{CQ} said {S}.",
        "{S} said: {OQ}{Q}.{CQ}",
        "{OQ}{Q},{CQ} {S} told reporters in {T1}.",
        "{OQ}{Q},{CQ} {S} told {OUTLET}. {OQ}{Q}.{CQ}",
        "{S} told {OUTLET}: {OQ}{Q}.{CQ}",
        "{OQ}{Q},{CQ} {S} said in a statement {DAY}.",
        "{OQ}{Q},{CQ} {S} said. {OQ}{Q}.{CQ}",
        "~{S} called the decision {OQ}{FRAGS}{CQ}.",
        "Speaking to reporters {DAY}, {S} said: {OQ}{Q}.{CQ}",
        "In a post on social media, {S} wrote: {OQ}{Q}.{CQ}",
        "~Asked whether the plan would work, {S} replied: {OQ}{Q}.{CQ}",
        "{OQ}{Q},{CQ} {S} added.",
        "{S} insisted that {INDIRECT}.",
        "According to {S}, {INDIRECT}.",
        "{S} told {OUTLET} that {INDIRECT}.",
        "{OQ}{Q},{CQ} said {S}, speaking by telephone from {T2}.",
        "{S} put it bluntly: {OQ}{Q}.{CQ}",
    ),
    "figures": (
        "~The project is expected to cost {VALUE}, about {PCTMID} of the government's annual budget.",

        "Government figures show that {CITYPOP} people live in {T1}, {PCTLOW} more than a decade ago.",
        "~Last year {C1} spent {BIGMONEY} on projects of this kind, up from {BIGMONEY} in {YEAR}.",
        "Unemployment in {R1} stands at {PCTMID}, according to {O3}.",
        "{C1:poss} economy grew by {PCTLOW} last year, while inflation reached {PCTMID}.",
        "{F1:Noun} {F1:cap}, according to figures published by {O1}.",
        "According to {O3}, {PEOPLE} have been affected.",
        "Around {NUM} people work in the sector, which earns {C1} {BIGMONEY} a year.",
        "The average monthly wage in {T1} is about {SMALLMONEY}.",
        "{C1} exported goods worth {BIGMONEY} to {C2} in {YEAR}, making it one of its largest trading "
        "partners.",
        "~The government has set aside {BIGMONEY} for the first phase and hopes to raise a further "
        "{BIGMONEY} from private investors.",
        "The number of {COUNTNOUN} in {C1} rose {RISE} {SPAN}.",
        "{T1} lies about {KM} kilometres from {T3}, a journey that can take {HOURS} by road.",
    ),
    "background": (
        "{C1} has a population of about {MILLIONS} million, and {PCT} of its people live in cities.",
        "{T1}, a city of {CITYPOP} people in {R1}, has long been a centre of {INDUSTRY}.",
        "Relations between {C1} and {C2} have improved since {MONTHB}, when the two countries restored full "
        "diplomatic ties.",
        "{O1}, founded in {OLDYEAR}, has about {FEW} staff.",
        "The region was hit by severe flooding {MONTH}, which displaced {PEOPLE}.",
        "{P1:last} has been in {P1:his} current post since {YEAR}.",
        "The issue has dominated debate in {C1} for much of the past year.",
        "{C2} is {C1:poss} {ORD}-largest trading partner.",
        "~Previous attempts to {TOPICVP} collapsed in {YEAR} amid disputes over funding.",
        "{F1}, on the outskirts of {F1:town}, has been the subject of repeated complaints from residents.",
        "{C1} has held {NUMWORD} general elections since {OLDYEAR}.",
        "~The government came to power in {YEAR} promising to {TOPICVP}.",
    ),
    "reaction": (
        "~{O3} welcomed the news, saying it was {OQ}{FRAG}{CQ}.",
        "~Business groups in {T1} welcomed the announcement, while {O2} said it would wait for the details.",
        "The announcement drew a cautious response from {O3}.",
        "{X} said {INDIRECT}.",
        "~Residents of {T1} said they had heard little about the plan until {DAY:bare}.",
        "~On social media, reaction was mixed, with some users praising {P1:last} and others questioning "
        "the cost.",
        "Markets reacted calmly, and the {CUR} was little changed against the dollar.",
        "{C2:poss} embassy in {C1:capital} declined to comment.",
        "{O3} said it was {OQ}deeply concerned{CQ} by the decision and called for an independent inquiry.",
        "~Several lawmakers said they would vote against the plan, and {X} called for a referendum.",
        "~{X}, who attended the event, said the mood was {OQ}{MOOD}{CQ}.",
        "{X} said the news had been the main topic of conversation in {T1} all week.",
    ),
    "next": (
        "~{P1:last} is expected to travel to {C2} {LATER} to discuss the next steps.",
        "A final decision is due {LATER}.",
        "{O1} is expected to discuss the matter {LATER}.",
        "{O2} said it would publish a detailed response within {NUMWORD} weeks.",
        "Parliament is due to debate the issue {LATER}, and {NUMWORD} committees have asked to see the "
        "documents.",
        "~Officials said work would begin {LATER} and take about {NUMWORD} years to complete.",
        "~{P2:last} is due to meet {P1:last} again {LATER}.",
    ),
    "history": (
        "~The dispute dates back to {MONTHB}, when {O1} first raised concerns about {TOPIC}.",
        "~In {YEAR}, a similar plan was abandoned after {NUMWORD} years of negotiations.",
        "~{P1:last} first spoke publicly about {TOPIC} in a speech in {T1} {MONTH}.",
        "~The idea was first discussed at a regional summit in {T2} {MONTH}.",
        "Since {MONTHB}, {O3} has published {NUMWORD} reports on the issue.",
        "The last time {C1} faced a similar situation, in {YEAR}, it took {NUMWORD} months to resolve.",
        "{P1:last} has faced questions before: in {MONTHB}, {O3} accused {P1:his} office of ignoring its "
        "findings.",
        "~A {YEAR} study by {O3} estimated that the country would need {BIGMONEY} to {TOPICVP}.",
        "~{C1} and {C2} first discussed {TOPIC} on {OLDDATE}, according to diplomatic records.",
        "~The last project of this kind, completed on {OLDDATE}, came in {PCTMID} over budget.",
    ),
    "legal": (
        "~A challenge to the plan is pending before {CT}, which is expected to rule {LATER}.",
        "~{CT} ruled {MONTH} that a similar arrangement was unconstitutional.",
        "~Lawyers for {O2} have filed a petition with {CT} asking it to suspend the {DEAL}.",
        "~{CT} gave the government {NUMWORD} weeks to respond to the petition.",
        "Legal experts said the case could take years to reach {CT}.",
        "{CT} is expected to hear the case {LATER}.",
    ),
}
CATEGORY_WEIGHTS = {"kind": 20, "quote": 30, "figures": 12, "background": 12, "reaction": 12, "next": 6,
                    "history": 7, "legal": 5}

TEMPLATE_COUNT = sum(len(k["leads"]) + len(k["follows"]) for k in KINDS.values()) + sum(
    len(t) for t in SHARED.values())

Q_SUPPORT = (
    "~This is a historic day for {C1}.",
    "~This {DEAL} will create thousands of jobs for young people in {T1}.",
    "We have waited a long time for this, and we are proud of what our teams have achieved.",
    "~It is a good day for {C1} and for our partners in {C2}.",
    "~The money will go where it is needed most: to schools, clinics and roads.",
    "~We are open for business, and today we proved it.",
    "Nobody said it would be easy, but we kept our promise.",
    "~For the first time, families in {R1} will see real change.",
    "We are not asking anyone to trust us. We are asking them to look at the results.",
    "This shows what we can do when we work together.", "The numbers speak for themselves.",
    "~Our economy needs investment, and this brings it.",
    "~We will not stop until every household in {T1} feels the benefit.",
    "~Every cent of the {MONEY} will be accounted for.", "~It took {NUMWORD} years of hard work to get here.",
    "~We listened to the people of {T1}, and this is the result.",
 "This is only the beginning.",
    "I am confident that history will judge this decision kindly.",
    "~Our partners in {C2} have shown extraordinary friendship.",
    "This will make our country safer and our streets calmer.",
    "We owe it to the next generation to get this right.",
    "The critics said it could not be done. They were wrong.",
    "~Today we are laying the foundations for the next fifty years.",
    "~We expect the first results within {NUMWORD} months.", "~It is a fair deal for both sides.",
    "~Investors are watching, and they like what they see.",
)
Q_CRITIC = (
    "~This {DEAL} was negotiated behind closed doors, and ordinary people will pay the price.",
    "~Nobody has explained where the {MONEY} will come from.", "We will challenge this decision in court.",
    "The government is trying to bury bad news.", "They promised transparency and delivered the opposite.",
    "~Who will pay for all of this?", "This is a betrayal of the workers who built this country.",
    "The people of {T1} were never consulted.", "~It is a reckless gamble with public money.",
    "We have seen these promises before, and nothing changed.",
    "~This plan will hurt the poorest families first.", "~There is no evidence that it will work.",
    "It is a political stunt ahead of the elections.", "~The law is very clear, and this plan ignores it.",
    "~How can they justify spending {MONEY} when hospitals have no medicine?",
    "~Human rights cannot be traded for money.",
    "We are deeply concerned about the conditions people will face.",
    "This decision will be remembered as a mistake.", "~They are selling our future to the highest bidder.",
    "~The figures simply do not add up.", "Nobody voted for this.", "It is shameful.",
    "Those responsible must be held to account.",
    "The process was rushed, and the public deserves better.",
    "We warned them a year ago, and they did not listen.",
    "The timing of this is very suspicious.", "The public deserves a full explanation.",
    "We have been raising the alarm for years.",
)
Q_NEUTRAL = (
    "We are studying the details and will respond in due course.",
    "~It is too early to say whether the plan will work.", "The direction is right, but the details matter.",
    "There are good arguments on both sides.", "We will judge it by its results, not by its announcements.",
    "Much depends on what happens in the next {NUMWORD} months.",
    "Let us wait and see what parliament decides.", "We need more information before we can take a position.",
    "~It could work, but only if the money arrives on time.",
    "~The real test will come when the first payments are due.",
    "I think people are cautious, and that is understandable.",
    "Nobody knows yet how many people will be affected.",
)
Q_KIND = {
    "agreement": ("This {DEAL} opens a new chapter in relations between our two countries.",
                  "We have agreed to {TOPICVP}, and we will do it together."),
    "proposal": ("Our proposal is simple, and it can be done quickly.",
                 "I invite every party in parliament to support this proposal."),
    "meeting": ("We had a frank and productive conversation.", "We agreed on more than we disagreed on."),
    "criticism": ("We stand by the decision, and we will explain it to anyone who asks.",
                  "Criticism is part of democracy, but the facts are on our side."),
    "opening": ("This {F1:kind} belongs to the people of {F1:town}.", "We built it on time and on budget."),
    "contract": ("We are proud to have been chosen for this project.",
                 "The tender was open, fair and competitive."),
    "arrest": ("No one is above the law.", "The investigation is continuing, and more arrests are possible.",
               "We will follow the evidence wherever it leads.",
               "Our officers worked day and night on this case.",
               "Anyone with information should come forward."),
    "deportation": ("People who have no right to stay will be returned.",
                    "Every deportation is carried out in line with the law.",
                    "Our borders are not open to those who break our laws.",
                    "We treat every returnee with dignity."),
    "election": ("The people have spoken, and I will serve all of them.",
                 "Tonight belongs to everyone who voted for change.",
                 "I will be a president for those who did not vote for me too.",
                 "The campaign is over. Now the work begins."),
    "resignation": ("I have decided that it is time for someone else to lead.",
                    "I leave with my head held high.",
                    "I have always acted in the public interest.",
                    "It has been the honour of my life to serve."),
}
PLAN_KINDS = frozenset({"agreement", "proposal", "meeting", "criticism", "opening", "contract",
                        "deportation"})

FRAG = ("a historic step", "an act of extraordinary friendship", "long overdue", "a good deal for both sides",
        "a turning point", "a model for the region", "a win for everyone", "unprecedented",
        "the most important project in a generation")
FRAGC = ("a betrayal", "reckless", "a disaster in the making", "a political stunt", "deeply flawed",
         "unacceptable", "an insult to workers", "illegal", "a giveaway to foreign companies")
MOOD = ("hopeful but cautious", "electric", "tense", "subdued", "festive", "quietly optimistic")
INDIRECT = (
    "~the government would publish the full text within {NUMWORD} weeks",
    "every regulation had been complied with", "talks would continue {LATER}",
    "~{NUM} jobs would be created in the first year", "~the costs had been underestimated by at least {PCT}",
    "no final decision had been taken", "~the money had already been set aside in the budget",
    "officials were still studying the details", "~the plan had been discussed with local leaders in {T1}",
    "~the first phase would be completed {LATER}", "~similar schemes in {C2} had failed",
    "~the agreement did not require the approval of parliament",
    "~at least {NUMWORD} ministries had been involved in drafting the plan",
    "the authorities had ignored repeated warnings", "~the project would be reviewed every {NUMWORD} months",
    "more information would be released {LATER}", "the government had acted within the law",
    "there had been no political interference", "the matter would be discussed at the next cabinet meeting",
)
BENEFIT = ("create thousands of jobs", "cut the cost of imports", "ease pressure on the border",
           "double exports within five years", "bring electricity to {NUM} homes", "reduce overcrowding",
           "attract foreign investment", "shorten journey times by half",
           "save the treasury {BIGMONEY} a year", "improve security in {R1}")
SLOGANS = ("Not in our name", "Jobs, not promises", "Stop the deal", "Our coast is not for sale",
           "Justice for workers", "No to secret deals", "Water is a right")
INDUSTRIES = ("fishing", "textile manufacturing", "mining", "trade", "tourism", "coffee growing",
              "shipbuilding", "cement production")
COUNT_NOUNS = ("registered companies", "foreign visitors", "public schools", "licensed taxis",
               "hospital beds", "prison inmates", "asylum applications")
PEOPLE_NOUNS = ("people", "people", "residents", "families", "households", "workers")

DEALS = (("agreement", "an"), ("deal", "a"), ("memorandum of understanding", "a"), ("accord", "an"),
         ("pact", "a"))
TOPICS = (  # (noun phrase, verb phrase, gerund phrase, headline words)
    ("the expansion of the port at {T1}", "expand the port at {T1}", "expanding the port at {T1}", "port"),
    ("a new railway line between {T1} and {T2}", "build a railway line between {T1} and {T2}",
     "building a railway line between {T1} and {T2}", "rail"),
    ("the transfer of prisoners", "transfer prisoners between the two countries", "transferring prisoners",
     "prisoner transfer"),
    ("fishing rights off the coast of {R1}", "share fishing rights off the coast of {R1}",
     "sharing fishing rights off {R1}", "fishing"),
    ("the export of electricity", "export electricity across the border", "exporting electricity", "power"),
    ("a programme to vaccinate children in {R1}", "vaccinate children in {R1}",
     "vaccinating children in {R1}", "vaccination"),
    ("the return of migrants", "return migrants who have no right to stay", "returning migrants",
     "migration"),
    ("a free trade zone near {T1}", "set up a free trade zone near {T1}", "setting up a free trade zone",
     "trade zone"),
    ("the construction of a highway from {T1} to {T2}", "build a highway from {T1} to {T2}",
     "building a highway from {T1} to {T2}", "highway"),
    ("the water supply of {T1}", "improve the water supply of {T1}", "improving the water supply of {T1}",
     "water"),
    ("a new oil refinery", "build an oil refinery", "building an oil refinery", "refinery"),
    ("the modernisation of the national grid", "modernise the national grid", "modernising the grid", "grid"),
    ("cooperation on border security", "cooperate on border security", "cooperating on border security",
     "border security"),
    ("the training of police officers", "train police officers", "training police officers",
     "police training"),
    ("wind farms along the coast of {R1}", "build wind farms along the coast of {R1}", "building wind farms",
     "wind power"),
    ("the mining of lithium in {R1}", "mine lithium in {R1}", "mining lithium in {R1}", "lithium"),
    ("flood defences in {R1}", "build flood defences in {R1}", "building flood defences in {R1}", "flood"),
    ("a debt relief package", "restructure the country's debt", "restructuring the country's debt", "debt"),
    ("the sale of wheat and maize", "sell wheat and maize", "selling wheat and maize", "grain"),
    ("digital identity cards", "introduce digital identity cards", "introducing digital identity cards",
     "digital ID"),
    ("joint naval patrols", "carry out joint naval patrols", "carrying out joint naval patrols", "naval"),
    ("the rebuilding of schools in {R1}", "rebuild schools in {R1}", "rebuilding schools in {R1}", "schools"),
    ("a new container terminal in {T1}", "build a new container terminal in {T1}",
     "building a container terminal in {T1}", "terminal"),
    ("the housing of foreign prisoners", "house foreign prisoners in its jails", "housing foreign prisoners",
     "prison"),
)
KIND_DEALS = {"opening": (("project", "a"),), "contract": (("contract", "a"),),
              "proposal": (("plan", "a"), ("proposal", "a")), "criticism": (("plan", "a"), ("scheme", "a"))}
_FACILITY_TOPICS = (
    ("the expansion of {F1}", "expand {F1}", "expanding {F1}", "{F1:kind}"),
    ("the upgrade of {F1}", "upgrade {F1}", "upgrading {F1}", "{F1:kind}"),
    ("the repair of {F1}", "repair {F1}", "repairing {F1}", "{F1:kind}"),
)
KIND_TOPICS = {
    "contract": _FACILITY_TOPICS,
    "deportation": (TOPICS[6], TOPICS[23]),
    "opening": (("the new {F1:kind}", "build the {F1:kind}", "building the {F1:kind}", "{F1:kind}"),
                ("the {F1:kind} in {F1:town}", "finish the {F1:kind} in {F1:town}",
                 "finishing the {F1:kind} in {F1:town}", "{F1:kind}")),
}
CRIMES = (("fraud", "a fraud worth {BIGMONEY}"), ("smuggling", "a smuggling ring that operated from {T2}"),
          ("corruption", "the misuse of {MONEY} in public funds"),
          ("money laundering", "a money laundering scheme"),
          ("drug trafficking", "a drug trafficking network"),
          ("people smuggling", "a people smuggling network"),
          ("illegal mining", "illegal gold mining in {R1}"), ("tax evasion", "tax evasion worth {MONEY}"))
OUTLETS = ("The Meridian Chronicle", "Northgate Times", "The Weekly Compass", "Riverside Gazette",
           "The Atlas Observer", "Crossroads Daily", "The Harbour Post", "Sentinel Review", "The Lantern",
           "Frontline Wire", "The Evening Courier", "Continental Monitor")
AGENCIES_PRESS = ("MPA", "GNW", "CPA", "Frontline Wire", "AFN")
HEADINGS = ("What the deal means", "A long road", "Critics unconvinced", "The numbers", "What happens next",
            "Background", "Reaction", "Questions remain", "Money matters", "A divided country",
            "The road ahead", "Behind the scenes", "Voices from {T1:bare}", "Legal hurdles")
STANDFIRSTS = ("~The {DEAL} is worth {VALUE} and could {BENEFIT}",
               "~Critics say the plan ignores {PEOPLE} it will affect",
               "~{C1:poss} government says the move will {BENEFIT}",
               "~Officials in {T1:bare} say the first results could come {LATER}",
               "~Yet the project has already run {PCTMID} over budget",
               "The opposition in {C1} says it will not let the matter rest",
               "Officials in {T1:bare} say more details will follow {LATER}",
               "It is the biggest story in {C1} this year, and it is not over")
TEASERS = ("{C} to raise fuel prices from next month", "{T} residents protest over water shortages",
           "{O} names new chief executive", "Floods cut off villages in {C}",
           "{L} under pressure over budget",
           "{O} posts record profit", "Strike shuts schools across {C}", "How {C} plans to pay its debts",
           "{T} hospital runs short of medicine", "Court clears {L} of contempt charge")
BOOKS_TAGS = ("politics", "economy", "trade", "migration", "justice", "infrastructure", "elections",
              "security", "energy", "world")
COMMENTS = ("This will never happen.", "{L} should be ashamed of this.", "Finally some good news!",
            "Who is going to pay for it? We are.",
            "I have lived in {T} all my life and nothing ever changes.",
            "Great reporting, thank you.", "Follow the money.", "The article misses the real story here.")

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NUMWORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve")
ORDINALS = ("second", "third", "fourth", "fifth", "sixth")
US_SPELLING = {"criticised": "criticized", "criticise": "criticize", "programme": "program",
               "modernise": "modernize", "modernisation": "modernization", "modernising": "modernizing",
               "organisation": "organization", "labour": "labor", "defences": "defenses",
               "travelled": "traveled", "centre": "center", "instalments": "installments"}
_US_RE = re.compile(r"\b(" + "|".join(US_SPELLING) + r")\b")
_SLOT = re.compile(r"\{([A-Z][A-Z0-9]*)(?::(\w+))?\}")
_DANGLING_COMMA = re.compile(r",(\s*)([.,;:!?])")
_PUNCT_AFTER_QUESTION = re.compile(r"([?!])[.,]")
_SPACES = re.compile(r"  +")
_SMALL_WORDS = {"a", "an", "the", "and", "or", "of", "in", "on", "to", "for", "with", "as", "at", "by",
                "from", "de", "del", "la", "los", "do", "da", "das", "van", "der", "le", "les"}


# ------------------------------------------------------------------ writing one article


class _Writer:
    """One article: its random stream, its style, its cast, and what the reader has been told so far."""

    def __init__(self, pools: Pools, seed: int, n: int) -> None:
        self.pools = pools
        self.rng = rng = random.Random(f"{seed}:{n}")
        self.seed, self.n = seed, n
        self.curly = rng.random() < 0.5
        self.oq, self.cq = ("“", "”") if self.curly else ('"', '"')
        self.us = rng.random() < 0.5
        self.hon_dot = self.us and rng.random() < 0.7
        self.pct = rng.choice(("percent", "%")) if self.us else rng.choice(("per cent", "%", "percent"))
        self.abbrev_money = not self.us and rng.random() < 0.3  # "£15m", "$2.3bn"
        self.published = date(2015, 1, 1) + timedelta(days=rng.randrange(11 * 365))
        self.event = self.published - timedelta(days=rng.randrange(0, 6))
        self.outlet = rng.choice(OUTLETS)
        self.seen_p: set[int] = set()
        self.seen_o: set[int] = set()
        self.acr_o: set[int] = set()
        self.seen_f: set[int] = set()
        self.seen_t: set[int] = set()
        self.known: set[int] = set()
        self.used_q: set[str] = set()
        self.bind: dict[str, tuple[str, int]] = {}
        self.sent: dict[str, tuple[str, int]] = {}
        self.lasts: set[str] = set()
        self.plain = self.headline = False
        self.stance: dict[int, str] = {}
        self._cast()

    # ---- cast

    def _add_person(self, slot: str, cats: tuple[str, ...], country: int | None) -> int:
        rng, pools = self.rng, self.pools
        idx = pools.person(rng, cats, country)
        for _ in range(12):
            if pools.people[idx].last not in self.lasts and ("p", idx) not in self.bind.values():
                break
            idx = pools.person(rng, cats, country if rng.random() < 0.5 else None)
        self.lasts.add(pools.people[idx].last)
        if slot:
            self.bind[slot] = ("p", idx)
        self._maybe_known(idx)
        return idx

    def _maybe_known(self, idx: int) -> None:
        """A top-ranked person of the countries in the story may go by surname alone, as if the
        reader had met them in earlier articles."""
        home = {self.bind[c][1] for c in ("C1", "C2") if c in self.bind}
        if idx < 100 and self.pools.people[idx].country in home and self.rng.random() < 0.3:
            self.known.add(idx)

    def _cast(self) -> None:
        rng, pools = self.rng, self.pools
        self.kind = rng.choices(list(KIND_WEIGHTS), list(KIND_WEIGHTS.values()))[0]
        self.plan = self.kind in PLAN_KINDS
        cats1, cats2, fac_kinds, foreign = CASTS[self.kind]
        p1 = self._add_person("P1", cats1, None)
        c1 = pools.people[p1].country
        c2 = pools.country(rng, avoid=c1)
        p2 = self._add_person("P2", cats2, c2 if foreign else (c1 if rng.random() < 0.85 else None))
        for _ in range(10):  # the builder is a company's executive, not a bank's
            if self.kind not in ("opening", "contract") or pools.orgs[pools.people[p2].org].kind == "company":
                break
            self.lasts.discard(pools.people[p2].last)
            p2 = self._add_person("P2", cats2, c1 if rng.random() < 0.7 else None)
        if foreign:
            c2 = pools.people[p2].country if pools.people[p2].country != c1 else c2
        self._add_person("P3", ("academic", "ngo", "union", "lawmaker", "citizen", "spokes"),
                         c1 if rng.random() < 0.9 else None)
        self.bind["C1"], self.bind["C2"] = ("c", c1), ("c", c2)
        for slot in ("P1", "P2", "P3"):
            self._maybe_known(self.bind[slot][1])
        self.bind["T1"] = ("t", pools.town(rng, c1))
        t2_country = c2 if self.kind == "deportation" else c1
        t2 = pools.town(rng, t2_country)
        for _ in range(5):
            if t2 != self.bind["T1"][1]:
                break
            t2 = pools.town(rng, t2_country)
        self.bind["T2"] = ("t", t2)
        self.bind["T3"] = ("t", pools.town(rng, c1))
        for _ in range(5):
            if self.bind["T3"][1] != self.bind["T1"][1]:
                break
            self.bind["T3"] = ("t", pools.town(rng, c1))
        self.bind["R1"] = ("r", pools.region(rng, c1))
        fac_country = c2 if self.kind == "deportation" else c1
        self.bind["F1"] = ("f", pools.facility(rng, fac_kinds, fac_country))
        o1 = pools.people[p1].org
        if o1 < 0 or self.kind == "election" and pools.orgs[o1].kind != "party":
            o1 = pools.org(rng, ("party",) if self.kind == "election" else ("ministry", "agency"), c1)
        o2 = pools.people[p2].org
        o2_kind = pools.orgs[o2].kind if o2 >= 0 else ""
        if self.kind == "election":
            o2 = next((i for i, o in enumerate(pools.orgs) if o.kind == "agency" and o.country == c1
                       and "Electoral" in o.name), pools.org(rng, ("agency",), c1))
        elif self.kind in ("opening", "contract", "agreement"):
            o2 = o2 if o2_kind in ("company", "bank") else pools.org(rng, ("company",), None)
        elif self.kind == "deportation" or o2 < 0:
            o2 = pools.org(rng, ("ngo",), c1)

        o3 = pools.org(rng, ("ngo", "academic", "bank", "agency", "union"),
                       c1 if rng.random() < 0.7 else None)

        self.bind["O1"], self.bind["O2"], self.bind["O3"] = ("o", o1), ("o", o2), ("o", o3)
        self.bind["CT"] = ("o", pools.org(rng, ("court",), c1))
        self.currency = pools.countries[c1].currency if rng.random() < 0.55 else (
            USD if rng.random() < 0.8 else EUR)
        usd = math.exp(rng.uniform(math.log(5e6), math.log(2e10)))
        self.value = usd * RATES.get(self.currency.code, 1)  # what the deal, plan or building is worth
        self.deal, self.deal_a = rng.choice(KIND_DEALS.get(self.kind, DEALS))
        topic = rng.choice(KIND_TOPICS[self.kind]) if self.kind in KIND_TOPICS else rng.choice(TOPICS)
        self.plain = True  # phrases reused many times never carry a first-mention apposition
        self.topic = tuple(self.render(t, finish=False) for t in topic)
        self.crime = tuple(self.render(t, finish=False) for t in rng.choice(CRIMES))
        self.plain = False
        self.people_noun = "migrants" if self.kind == "deportation" else rng.choice(PEOPLE_NOUNS)
        self.km = 100

    # ---- rendering

    def render(self, template: str, finish: bool = True) -> str:
        text = _SLOT.sub(self._fill, template)
        return self._finish(text) if finish else text

    def sentence(self, template: str) -> str:
        self.sent = {"S": self._speaker()} if "{S" in template else {}
        return self.render(template)

    def _finish(self, text: str) -> str:
        """Tidy what slot filling leaves: an apposition's comma before a full stop, "?," and
        double spaces; then capitalise the first letter."""
        text = _DANGLING_COMMA.sub(r"\2", text)
        text = _PUNCT_AFTER_QUESTION.sub(r"\1", text)
        text = _SPACES.sub(" ", text).strip()
        for i, ch in enumerate(text):
            if ch.isalpha():
                return text[:i] + ch.upper() + text[i + 1:]
        return text

    def _fill(self, m: re.Match) -> str:
        name, form = m.group(1), m.group(2) or ""
        if name == "S" and "S" not in self.sent:
            self.sent["S"] = self._speaker()
        if name == "X" and "X" not in self.sent:
            c1 = self.bind["C1"][1]
            idx = self._add_person("", ("academic", "ngo", "lawmaker", "citizen", "union"),
                                   c1 if self.rng.random() < 0.95 else None)
            self.sent["X"] = ("p", idx)
        bound = self.sent.get(name) or self.bind.get(name)
        if bound:
            kind, idx = bound
            return getattr(self, f"_{kind}")(idx, form)
        return self._value(name, form)

    def _speaker(self) -> tuple[str, int]:
        r = self.rng.random()
        if r < 0.35:
            return self.bind["P1"]
        if r < 0.6:
            return self.bind["P2"]
        if r < 0.8:
            return self.bind["P3"]
        idx = self._add_person("", ("academic", "ngo", "citizen", "lawmaker", "union", "spokes"),
                               self.bind["C1"][1] if self.rng.random() < 0.95 else None)
        return ("p", idx)

    def _stance(self, idx: int) -> str:
        """Each speaker keeps one side through the article: the lead person supports, partners in a
        deal support, the rest criticise or hedge."""
        if idx not in self.stance:
            partner = self.kind in ("agreement", "meeting", "contract", "opening")
            if ("p", idx) == self.bind["P1"] or partner and ("p", idx) == self.bind["P2"]:
                side = "support"
            else:
                side = "critic" if self.rng.random() < 0.6 else "neutral"

            self.stance[idx] = side
        return self.stance[idx]

    # ---- entities

    def _hon(self, p: Person) -> str:
        word = "Dr" if p.doctor else ("Ms" if p.female else "Mr")
        return word + ("." if self.hon_dot else "")

    def _org_inline(self, template: str, p: Person, bare: bool = False) -> str:
        if "{org}" not in template or p.org < 0:
            return template
        return template.replace("{org}", self._o(p.org, "bare" if bare else ""))

    def _p(self, idx: int, form: str) -> str:
        p, rng = self.pools.people[idx], self.rng
        pronoun = {"he": ("he", "she"), "He": ("He", "She"), "his": ("his", "her"), "His": ("His", "Her"),
                   "him": ("him", "her")}
        if form in pronoun:
            return pronoun[form][p.female]
        if form == "full":
            return p.full
        if form == "nounbare":
            return p.noun or "adviser"
        if self.headline:  # headlines name people by surname and introduce nobody
            return _poss_name(p.last) if form == "poss" else p.last
        first_time = idx not in self.seen_p
        self.seen_p.add(idx)
        if first_time and idx not in self.known:  # whatever the form asks, the reader meets them first
            if form == "poss":
                title = rng.choice(p.titles) if p.titles and rng.random() < 0.7 else ""
                return _poss_name(f"{self._org_inline(title, p, bare=True)} {p.full}".strip())
            if p.titles and rng.random() < 0.55:
                return f"{self._org_inline(rng.choice(p.titles), p, bare=True)} {p.full}"
            return f"{p.full}, {self._org_inline(rng.choice(p.appos), p)},"
        if form == "last" or first_time and rng.random() < 0.6:
            return p.last
        if first_time:
            return f"{self._hon(p)} {p.last}"
        if form == "poss":
            return _poss_name(p.last if rng.random() < 0.6 else f"{self._hon(p)} {p.last}")
        if form == "noun":
            return f"the {p.noun}" if p.noun else p.last
        r = rng.random()
        if r < 0.6 or not p.noun and r < 0.85:
            return p.last
        if r < 0.85:
            return f"{self._hon(p)} {p.last}"
        return f"the {p.noun}" if p.noun else p.last

    def _o(self, idx: int, form: str) -> str:
        o, rng = self.pools.orgs[idx], self.rng
        full = f"the {o.name}" if o.the else o.name
        if self.headline:
            return o.name
        if form == "bare":
            self.seen_o.add(idx)
            return o.name
        if form == "poss":
            if idx in self.seen_o and idx in self.acr_o and rng.random() < 0.5:
                return _poss(f"the {o.acronym}" if o.the else o.acronym)
            self.seen_o.add(idx)
            return _poss(full)
        if idx not in self.seen_o:
            self.seen_o.add(idx)
            if o.acronym and rng.random() < 0.6:
                self.acr_o.add(idx)
                return f"{full} ({o.acronym})"
            return full
        r = rng.random()
        if idx in self.acr_o and r < 0.5:
            return f"the {o.acronym}" if o.the else o.acronym
        if o.short and r < 0.75:
            return o.short
        if r < 0.85:
            return o.noun
        return full

    def _c(self, idx: int, form: str) -> str:
        c = self.pools.countries[idx]
        if form == "poss":
            return _poss(c.name)
        if form == "adj":
            return c.adj
        if form == "capital":
            return c.capital
        return c.name

    def _t(self, idx: int, form: str) -> str:
        town = self.pools.towns[idx]
        if form == "bare" or idx in self.seen_t or self.plain or self.headline:
            return town.name
        self.seen_t.add(idx)
        if self.rng.random() < 0.25:
            return f"{town.name}, {self.pools.countries[town.country].bare},"
        return town.name

    def _r(self, idx: int, form: str) -> str:
        return self.pools.regions[idx].ref

    def _f(self, idx: int, form: str) -> str:
        f = self.pools.facilities[idx]
        noun = FACILITY_NOUN[f.kind]
        if form == "bare":
            return f.name
        if form == "kind":
            return noun
        if form in ("noun", "Noun"):
            if idx not in self.seen_f:  # "the prison" only once the reader knows which
                return self._f(idx, "")
            return f"{'T' if form == 'Noun' else 't'}he {noun}"
        if form == "crowd":
            return f"{_round(int(f.capacity * self.rng.uniform(1.4, 3.2))):,}"
        if form == "town":
            return self.pools.towns[f.town].name
        if form == "cap":
            return self._capacity(f)
        full = f"the {f.name}" if f.the else f.name
        if self.headline:
            return f.name
        if self.plain:
            return full
        if idx not in self.seen_f:
            self.seen_f.add(idx)
            return full
        return full if self.rng.random() < 0.5 else f"the {noun}"

    def _capacity(self, f: Facility) -> str:
        n, rng = f.capacity, self.rng
        if f.kind == "prison":
            return rng.choice((f"can hold {n:,} inmates", f"was built for {n:,} prisoners",
                               f"has room for {n:,} detainees"))
        if f.kind == "port":
            return rng.choice((f"can handle {_big(n)} containers a year",
                               f"handles {_big(n)} containers a year"))
        if f.kind == "stadium":
            return rng.choice((f"has {n:,} seats", f"can seat {n:,} spectators"))
        if f.kind == "hospital":
            return rng.choice((f"has {n:,} beds", f"will have {n:,} beds when complete"))
        if f.kind == "bridge":
            return f"is {n / 1000:.1f} kilometres long".replace(".0 ", " ")
        if f.kind == "airport":
            return f"can handle {n} million passengers a year"
        return rng.choice((f"can generate {n:,} megawatts", f"has a capacity of {n:,} megawatts"))

    # ---- values

    def _pct(self, value: float) -> str:
        return f"{value:g}%" if self.pct == "%" else f"{value:g} {self.pct}"

    def _date(self, d: date) -> str:
        month = MONTHS[d.month - 1]
        return f"{month} {d.day}, {d.year}" if self.us else f"{d.day} {month} {d.year}"

    def _value(self, name: str, form: str) -> str:
        rng = self.rng
        if name == "OQ":
            return self.oq
        if name == "CQ":
            return self.cq
        if name == "DATE":
            return self._date(self.event)
        if name == "DAY":
            day = WEEKDAYS[self.event.weekday()]
            return day if form == "bare" else f"on {day}"
        if name == "WHEN":
            r = rng.random()
            if r < 0.5:
                return f"on {WEEKDAYS[self.event.weekday()]}"
            if r < 0.8:
                return f"on {self._date(self.event)}"
            return rng.choice(("last week", "earlier this week", "this week"))
        if name in ("MONTH", "MONTHB"):
            d = self.published - timedelta(days=rng.randrange(60, 9 * 365))
            text = f"{MONTHS[d.month - 1]} {d.year}"
            return text if name == "MONTHB" else f"in {text}"
        if name == "YEAR":
            return str(self.published.year - rng.randint(1, 10))
        if name == "OLDYEAR":
            return str(self.published.year - rng.randint(12, 70))
        if name == "LATER":
            r = rng.random()
            if r < 0.6:
                return rng.choice(("next month", "next week", "in the coming weeks", "later this year",
                                   "by the end of the year", "early next year"))
            if r < 0.8:
                return f"within {rng.choice(NUMWORDS)} months"
            if r < 0.9:
                return f"in {rng.choice(MONTHS)} {self.published.year + 1}"
            return f"by {self.published.year + rng.randint(2, 8)}"
        if name == "SPAN":
            a = self.published.year - rng.randint(5, 15)
            return f"between {a} and {a + rng.randint(2, 5)}"
        if name == "RISE":
            low = rng.randint(1_000, 90_000)
            return f"from {_round(low):,} to {_round(int(low * rng.uniform(1.1, 2.5))):,}"
        if name == "NUM":
            return _number(rng)
        if name == "SMALLNUM":
            return str(rng.randint(2, 30))
        if name == "NUMWORD":
            return rng.choice(NUMWORDS)
        if name == "ORD":
            return rng.choice(ORDINALS)
        if name == "KM":
            self.km = rng.randint(5, 900)
            return f"{self.km:,}"
        if name == "MILLIONS":
            return f"{rng.uniform(1.5, 220):.1f}".removesuffix(".0")
        if name in ("PCT", "PCTLOW", "PCTMID"):
            high = {"PCT": 95, "PCTLOW": 9, "PCTMID": 40}[name]
            return self._pct(rng.randint(1, high) if rng.random() < 0.6 else round(rng.uniform(0.5, high), 1))
        if name == "FLIGHT":
            return str(rng.randint(24, 260))
        if name == "VOTE":
            return self._pct(round(rng.uniform(38, 72), 1))
        if name == "TURNOUT":
            now = rng.randint(35, 80)
            before = now + rng.choice((-9, -6, -4, 3, 5, 8))
            return f"{self._pct(now)}, {'down' if before > now else 'up'} from {self._pct(before)}"
        if name == "HOURS":
            hours = max(1, round(self.km / 55))
            return "an hour" if hours == 1 else f"{NUMWORDS[hours - 2] if hours <= 10 else hours} hours"
        if name == "FEW":
            return f"{_round(rng.randint(20, 5_000)):,}"
        if name == "VALUE":
            return self._money(self.value, form == "adj")
        if name == "CITYPOP":  # a town keeps its population from article to article
            town = random.Random(f"{self.seed}:town:{self.bind['T1'][1]}")
            return f"{_round(int(math.exp(town.uniform(math.log(30_000), math.log(3_000_000))))):,}"

        if name == "OLDDATE":
            return self._date(self.published - timedelta(days=rng.randrange(400, 12 * 365)))
        if name in ("MONEY", "BIGMONEY", "SMALLMONEY", "MIDMONEY"):
            return self._amount(name, form == "adj")
        if name == "PEOPLE":
            qual = rng.choice(("", "more than ", "about ", "at least ", "nearly ", "some ", "an estimated "))
            count = _round(int(math.exp(rng.uniform(math.log(200), math.log(400_000)))))
            return f"{qual}{count:,} {self.people_noun}"
        if name == "COUNTNOUN":
            return rng.choice(COUNT_NOUNS)
        if name == "CUR":
            return self.pools.countries[self.bind["C1"][1]].currency.one
        if name in ("Q", "FRAGS"):
            return self._quote(name)
        if name == "FRAG":
            return rng.choice(FRAG)
        if name == "FRAGC":
            return rng.choice(FRAGC)
        if name == "MOOD":
            return rng.choice(MOOD)
        if name == "INDIRECT":
            return self.render(self._choose(INDIRECT), finish=False)
        if name == "BENEFIT":
            return self.render(rng.choice(BENEFIT), finish=False)
        if name == "SLOGAN":
            return rng.choice(SLOGANS)
        if name == "INDUSTRY":
            return rng.choice(INDUSTRIES)
        if name == "DEAL":
            return f"{self.deal_a} {self.deal}" if form == "a" else self.deal
        if name == "TOPIC":
            return self.topic[0]
        if name == "TOPICVP":
            return self.topic[1]
        if name == "TOPICING":
            return self.topic[2]
        if name == "TS":
            return self.topic[3]
        if name == "CRIME":
            return self.crime[0]
        if name == "CRIMENP":
            return self.crime[1]
        if name == "OUTLET":
            return self.outlet
        raise KeyError(f"unknown template slot {name}")

    def _quote(self, name: str) -> str:
        """A quotation suited to the speaker: supporters praise, others criticise or hedge."""
        rng = self.rng
        speaker = self.sent.get("S")
        side = self._stance(speaker[1]) if speaker else "neutral"
        if name == "FRAGS":
            return rng.choice(FRAG if side == "support" else FRAGC)
        if side == "support":
            pool = Q_KIND[self.kind] + Q_SUPPORT if rng.random() < 0.85 else Q_NEUTRAL
        elif side == "critic":
            pool = Q_CRITIC if rng.random() < 0.8 else Q_NEUTRAL
        else:
            pool = Q_NEUTRAL if rng.random() < 0.8 else Q_CRITIC
        for _ in range(6):
            text = self._choose(pool)
            if text not in self.used_q:
                break
        self.used_q.add(text)
        return self.render(text, finish=False).removesuffix(".")

    def _choose(self, pool: tuple[str, ...]) -> str:
        """A random line; lines marked "~" speak of a plan or a deal and only suit such stories."""
        return self.rng.choice(_plain_lines(pool, self.plan))

    def _amount(self, kind: str, attributive: bool = False) -> str:
        low, high = {"MONEY": (5e4, 5e8), "BIGMONEY": (5e6, 2e10), "SMALLMONEY": (80, 5e3),
                     "MIDMONEY": (2e3, 5e4)}[kind]

        usd = math.exp(self.rng.uniform(math.log(low), math.log(high)))
        return self._money(usd * RATES.get(self.currency.code, 1), attributive)

    def _money(self, amount: float, attributive: bool = False) -> str:
        """One amount in one of the notations news use: "$1.2 billion", "£15m", "KES 3 billion",
        "45 million euros", and before a noun "a 45 million-euro contract"."""
        cur, rng = self.currency, self.rng
        amount = float(f"{amount:.2g}")  # "$160 million", not "$159.9 million"
        if amount >= 1e12:
            number, scale, short = f"{amount / 1e12:.1f}".removesuffix(".0"), " trillion", "tn"
        elif amount >= 1e9:
            number, scale, short = f"{amount / 1e9:.1f}".removesuffix(".0"), " billion", "bn"
        elif amount >= 1e6:
            number, scale, short = f"{amount / 1e6:.1f}".removesuffix(".0"), " million", "m"
            if amount >= 1e8:
                number = str(int(round(amount / 1e6, -1)))
        else:
            number, scale, short = f"{_round(int(amount)):,}", "", ""
        if cur.symbol and rng.random() < 0.75:
            symbol = "US$" if cur is USD and rng.random() < 0.15 else cur.symbol
            if self.abbrev_money and short and not symbol.endswith(" "):
                return f"{symbol}{number}{short}"
            return f"{symbol}{number}{scale}"
        if rng.random() < 0.3:
            return f"{cur.code} {number}{scale}"
        if attributive:
            return f"{number}{scale}-{cur.one}"
        return f"{number}{scale} {cur.many}"

    # ---- the article

    def write(self) -> str:
        rng = self.rng
        kind = KINDS[self.kind]
        self.headline = True
        headline = self.render(rng.choice(kind["headlines"]))
        self.headline = False
        if rng.random() < 0.4:
            headline = _title_case(headline)
        blocks: list[str] = [headline]
        target = int(min(1400, max(150, math.exp(rng.gauss(math.log(420), 0.6)))))
        clutter = rng.random() < 0.5
        top, bottom = (self._top_clutter(), self._bottom_clutter()) if clutter else ([], [])
        if rng.random() < 0.35:
            stand = self.render(self._choose(STANDFIRSTS))
            blocks.append(stand + ("." if rng.random() < 0.5 else ""))
        blocks.extend(top)

        body: list[str] = []
        words = 0
        lead_templates = [rng.choice(kind["leads"])]
        lead = [self.sentence(lead_templates[0])]
        if rng.random() < 0.25:  # a dateline: "NAIROBI, March 3 (MPA) -"
            town = self.pools.towns[self.bind["T1"][1]].name.upper()
            month_day = f"{MONTHS[self.event.month - 1]} {self.event.day}"
            lead[0] = f"{town}, {month_day} ({rng.choice(AGENCIES_PRESS)}) — {lead[0]}"
        if rng.random() < 0.6:
            lead_templates.append(rng.choice(kind["follows"]))
            lead.append(self.sentence(lead_templates[-1]))
        body.append(" ".join(lead))
        words += len(body[0].split())
        unused = {"kind": list(kind["follows"])} | {k: self._usable(v) for k, v in SHARED.items()}
        headings = list(HEADINGS)
        for template in lead_templates:  # a lead follow-up is not repeated later
            if template in unused["kind"]:
                unused["kind"].remove(template)
        weights = dict(CATEGORY_WEIGHTS)
        paragraphs = 1
        while words < target and any(w for c, w in weights.items() if c != "quote"):
            cat = rng.choices(list(weights), list(weights.values()))[0]
            sentences = []
            for _ in range(rng.choice((1, 1, 2, 2, 3)) if cat != "quote" else rng.choice((1, 1, 2))):
                if not unused[cat]:
                    if cat != "quote":  # facts are told once; only quotations keep coming
                        weights[cat] = 0
                        break
                    unused[cat] = self._usable(SHARED[cat])
                template = unused[cat].pop(rng.randrange(len(unused[cat])))
                sentences.append(self.sentence(template))
            if not sentences:
                continue
            paragraph = " ".join(sentences)
            words += len(paragraph.split())
            if paragraphs % 5 == 0 and target > 600 and headings and rng.random() < 0.6:

                body.append(self.render(headings.pop(rng.randrange(len(headings)))))
            body.append(paragraph)
            paragraphs += 1
            if clutter and rng.random() < 0.12:
                body.append(self._inline_clutter())
        blocks.extend(body)
        blocks.extend(bottom)
        text = "\n\n".join(blocks) + "\n"
        if self.us:
            text = _US_RE.sub(lambda m: US_SPELLING[m.group(1)], text)
        if self.curly:
            text = text.replace("'", "’")
        return text

    def _usable(self, templates: tuple[str, ...]) -> list[str]:
        return [t.removeprefix("~") for t in templates if self.plan or t[0] != "~"]

    # ---- boilerplate

    def _journalist(self) -> tuple[str, bool]:
        culture = CULTURES[self.rng.choice(list(CULTURES))]
        female = self.rng.random() < 0.5
        first = self.rng.choice(culture.female if female else culture.male)
        last = self.rng.choice(culture.surnames)
        return (f"{last} {first}" if culture.family_first else f"{first} {last}"), female

    def _teaser(self) -> str:
        rng, pools = self.rng, self.pools
        template = rng.choice(TEASERS)
        return (template.replace("{C}", pools.countries[pools.country(rng)].name)
                .replace("{T}", pools.towns[rng.randrange(len(pools.towns))].name)
                .replace("{O}", pools.orgs[pools.org(rng, ("company", "bank", "ngo"))].name)
                .replace("{L}", pools.people[pools.person(rng, ("minister", "head"))].last))

    def _top_clutter(self) -> list[str]:
        rng = self.rng
        lines = []
        if rng.random() < 0.3:
            name, _ = self._journalist()
            lines.append(f"By {name}" + (f" and {self._journalist()[0]}" if rng.random() < 0.2 else ""))
        if rng.random() < 0.25:
            lines.append(f"Published {self._date(self.published)} · Updated {rng.randint(6, 23):02d}:"
                         f"{rng.randint(0, 59):02d} GMT")
        if rng.random() < 0.15:
            lines.append(f"Listen to this article · {rng.randint(2, 9)} min")
        if rng.random() < 0.15:
            lines.append(rng.choice(("Share this article", "Share", "Skip to main content")))
        if rng.random() < 0.2:
            lines.append(self._caption())
        return lines

    def _caption(self) -> str:
        rng, pools = self.rng, self.pools
        p1 = pools.people[self.bind["P1"][1]]
        town = pools.towns[self.bind["T1"][1]].name
        fac = pools.facilities[self.bind["F1"][1]]
        caption = rng.choice((
            f"{p1.full} speaks to reporters in {town} on {self._date(self.event)}.",
            f"A view of {fac.name} in {pools.towns[fac.town].name}.",
            f"Supporters gather outside parliament in {pools.countries[self.bind['C1'][1]].capital}.",
            f"Workers at a construction site in {town}."))
        name, _ = self._journalist()
        agency = rng.choice(AGENCIES_PRESS)
        credit = rng.choice((f"(Image credit: {name} / {agency} via Getty Images)", f"Photo: {name}/{agency}",
                             f"{agency.upper()}/{name}", f"Credit: {name}"))
        return f"{caption}\n{credit}"

    def _inline_clutter(self) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.3:
            return rng.choice(("Advertisement", "ADVERTISEMENT", "Sponsored content"))
        if r < 0.55:
            return f"{rng.choice(('READ ALSO', 'RELATED', 'Also read', 'MORE'))}: {self._teaser()}"
        if r < 0.7:
            return (f"Sign up for {self.outlet}'s free newsletters\n\nThe day's top stories, delivered "
                    f"directly to your inbox every morning.\n\nSign up")
        if r < 0.85:
            return self._caption()
        if r < 0.93:
            slug = re.sub(r"[^a-z]+", "-", self._teaser().lower()).strip("-")
            return f"https://www.{self.outlet.lower().replace('the ', '').replace(' ', '')}.com/news/{slug}"
        return f"Follow {self.outlet} on Facebook, X and Instagram for the latest news."

    def _bottom_clutter(self) -> list[str]:
        rng = self.rng
        lines: list[str] = []
        r = rng.random()
        name, female = self._journalist()
        pronoun = "She" if female else "He"
        if r < 0.25:  # a byline followed by a bio: the shape kg/corpus.py knows
            lines.append(f"{name}, {self.outlet}")
            beat = rng.choice(("politics", "business", "foreign"))
            previously = self.pools.countries[self.bind["C2"][1]].capital
            lines.append(f"{name} has worked as a {beat} writer at {self.outlet} since "
                         f"{self.published.year - rng.randint(1, 12)}, where {pronoun.lower()} covers "
                         f"{rng.choice(BOOKS_TAGS)} and {rng.choice(BOOKS_TAGS)}. {pronoun} was previously a "
                         f"reporter in {previously}.")
        elif r < 0.4:
            lines.append(f"{name} is a {rng.choice(('business', 'politics', 'security'))} reporter for "
                         f"{self.outlet} who has covered {rng.choice(BOOKS_TAGS)} since "
                         f"{self.published.year - rng.randint(1, 15)}.")
        elif r < 0.55:
            lines.append(f"Reporting by {name} in {self.pools.towns[self.bind['T1'][1]].name}; "
                         f"Editing by {self._journalist()[0]}")
        elif r < 0.65:
            lines.append(f"About the author: {name} reports on {rng.choice(BOOKS_TAGS)} for {self.outlet}.")
        if rng.random() < 0.25:
            tags = rng.sample(BOOKS_TAGS, 3) + [self.pools.countries[self.bind["C1"][1]].bare]
            lines.append("Tags: " + ", ".join(tags))
        if rng.random() < 0.2:
            lines.append(rng.choice(("Share this article", "Print", "Tweet", "Read more")))
        if rng.random() < 0.2:
            lines.append(f"© {self.published.year} {self.outlet}. All rights reserved.")
        if rng.random() < 0.12:
            count = rng.randint(2, 5)
            lines.append(f"{count} Comments")
            for _ in range(count):
                who, _ = self._journalist()
                comment = rng.choice(COMMENTS).replace("{L}", self.pools.people[self.bind["P1"][1]].last)
                comment = comment.replace("{T}", self.pools.towns[self.bind["T1"][1]].name)
                lines.append(f"{who.split()[0]}: {comment}")
        return lines


@lru_cache(maxsize=64)
def _plain_lines(pool: tuple[str, ...], plan: bool) -> tuple[str, ...]:
    """The lines of a pool that suit the story, without their "~" marks."""
    return tuple(t.removeprefix("~") for t in pool if plan or t[0] != "~")


def _number(rng: random.Random, low: int = 10) -> str:

    r = rng.random()
    if r < 0.25:
        n = rng.randint(low, 999)
    elif r < 0.85:
        n = _round(rng.randint(max(low, 1_000), 99_999))
    elif r < 0.95:
        n = _round(rng.randint(100_000, 999_999))
    else:
        return f"{rng.uniform(1, 9.9):.1f} million".replace(".0 ", " ")
    return f"{n:,}"


def _big(n: int) -> str:
    return f"{n / 1e6:.1f} million".replace(".0 ", " ") if n >= 1_000_000 else f"{n:,}"


def _title_case(text: str) -> str:
    words = text.split(" ")
    return " ".join(w if i and w.lower() in _SMALL_WORDS else w[:1].upper() + w[1:]
                    for i, w in enumerate(words))


# ------------------------------------------------------------------ public interface


def article(n: int, seed: int = 0) -> str:
    """The text of article n; depends only on (seed, n), never on how many others are written."""
    return _Writer(build_pools(seed), seed, n).write()


def generate(count: int, out_dir: Path, seed: int = 0, start: int = 0) -> list[Path]:
    """Write articles number start..start+count-1 to out_dir as news-<n:05d>.txt; deterministic:
    article n depends only on (seed, n), so generate(100, d) and generate(10_000, d) share their
    first 100 files."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(start, start + count):
        path = out_dir / f"news-{n:05d}.txt"
        path.write_text(article(n, seed), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    """Command line: write a corpus and say how big it is."""
    parser = argparse.ArgumentParser(description="Write a deterministic synthetic news corpus.")
    parser.add_argument("count", type=int, help="how many articles")
    parser.add_argument("out_dir", type=Path, help="folder for news-NNNNN.txt files")
    parser.add_argument("--seed", type=int, default=0, help="world and article seed (default 0)")
    parser.add_argument("--start", type=int, default=0, help="number of the first article (default 0)")
    args = parser.parse_args(argv)
    if args.count < 0 or args.start < 0:
        parser.error("count and --start must not be negative")
    began = time.perf_counter()
    paths = generate(args.count, args.out_dir, args.seed, args.start)
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in paths)
    print(f"wrote {len(paths):,} articles ({words:,} words) to {args.out_dir} "
          f"in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())


def grow(corpus: Path, count: int, have: int) -> int:
    """One step of an incremental benchmark: ``count`` new articles after the first ``have``,
    or with ``count=0`` one article changed (a sentence appended); the article count after."""
    if count:
        generate(count, corpus, start=have)
        return have + count
    edited = sorted(corpus.glob("news-*.txt"))[0]
    edited.write_text(edited.read_text(encoding="utf-8")
                      + "\nThe ministry said the review would end in March.\n", encoding="utf-8")
    return have
